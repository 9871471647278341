/* Local-exec TLS: the executable's own __thread variables addressed as %fs:offset. */
#include <stdio.h>

static __thread int counter = 5;
__thread long big[4] = {1, 2, 3, 4};
__thread int zero_init;
__thread char buf[32];

__attribute__((noinline)) static void work(void) {
    counter += 10;
    zero_init += 7;
    for (int i = 0; i < 4; i++)
        big[i] *= 3;
    snprintf(buf, sizeof buf, "c=%d", counter);
}

int main(void) {
    work();
    printf("counter=%d zero=%d big=%ld,%ld,%ld,%ld buf=%s\n", counter, zero_init, big[0], big[1],
           big[2], big[3], buf);
    int ok = counter == 15 && zero_init == 7 && big[0] == 3 && big[3] == 12;
    printf("%s\n", ok ? "tls le ok" : "tls le WRONG");
    return ok ? 0 : 1;
}
