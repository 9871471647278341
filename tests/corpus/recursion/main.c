/* Deep recursion across two objects (100000 frames), plus Ackermann and Fibonacci. */
#include <stdio.h>
int is_even(unsigned n);
__attribute__((noinline)) int is_odd(unsigned n) {
    if (n == 0)
        return 0;
    int r = is_even(n - 1);
    __asm__ volatile("" : "+r"(r));
    return r;
}
static long ack(long m, long n) {
    return m == 0 ? n + 1 : n == 0 ? ack(m - 1, 1) : ack(m - 1, ack(m, n - 1));
}
static long fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
int main(void) {
    int e = is_even(100000), o = is_odd(77777);
    long a = ack(2, 300), f = fib(25);
    printf("even(100000)=%d odd(77777)=%d ack(2,300)=%ld fib(25)=%ld\n", e, o, a, f);
    int ok = e == 1 && o == 1 && a == 603 && f == 75025;
    printf("%s\n", ok ? "recursion ok" : "recursion WRONG");
    return ok ? 0 : 1;
}
