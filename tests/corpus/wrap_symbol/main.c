/* --wrap=compute: undefined references to compute go to __wrap_compute, and __real_compute to
   the original. */
#include <stdio.h>
int compute(int);
int compute_from_impl(int);
extern int wrap_calls;
int main(void) {
    int a = compute(4), b = compute_from_impl(4);
    int (*fp)(int) = compute;
    int c = fp(5);
    printf("wrapped=%d unwrapped inside impl=%d via pointer=%d wrap calls=%d\n", a, b, c, wrap_calls);
    int ok = a == 41 && b == 40 && c == 51 && wrap_calls == 2;
    printf("%s\n", ok ? "wrap ok" : "wrap WRONG");
    return ok ? 0 : 1;
}
