#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

extern __thread char a_c;
extern __thread double a_d;
extern __thread int a_arr[3];
extern __thread char a_big_bss[100];
extern __thread short a_s_bss;
extern __thread long long b_ll;
extern __thread char b_c;
extern __thread long long b_bss;
extern __thread int b_int_bss;

static int check(const char *who) {
    int aligned = (uintptr_t)&a_d % 64 == 0 && (uintptr_t)&a_big_bss % 64 == 0 &&
                  (uintptr_t)&b_ll % 32 == 0 && (uintptr_t)&b_bss % 128 == 0;
    int zero = a_s_bss == 0 && b_bss == 0 && b_int_bss == 0;
    for (int i = 0; i < 100; i++)
        zero = zero && a_big_bss[i] == 0;
    int init = a_c == 'a' && a_d == 2.5 && a_arr[2] == 3 && b_ll == 77 && b_c == 'b';
    /* write the bss, then make sure the initialised data did not change */
    memset(a_big_bss, 0x5a, sizeof a_big_bss);
    a_s_bss = -1;
    b_bss = -1;
    b_int_bss = -1;
    int intact = a_c == 'a' && a_d == 2.5 && a_arr[0] == 1 && b_ll == 77 && b_c == 'b';
    printf("%s: aligned=%d zero=%d init=%d intact=%d\n", who, aligned, zero, init, intact);
    return aligned && zero && init && intact;
}

static void *thread_main(void *arg) {
    *(int *)arg = check("thread");
    return NULL;
}

int main(void) {
    int ok_main = check("main");
    int ok_thread = 0;
    pthread_t t;
    pthread_create(&t, NULL, thread_main, &ok_thread);
    pthread_join(t, NULL);
    int ok = ok_main && ok_thread;
    printf("%s\n", ok ? "tls align ok" : "tls align WRONG");
    return ok ? 0 : 1;
}
