/* setjmp/longjmp across functions and objects-worth of frames, nested buffers, sigsetjmp. */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>

static jmp_buf outer, inner;
static sigjmp_buf sigbuf;

__attribute__((noinline)) static void jump_deep(int depth, int code) {
    if (depth == 0)
        longjmp(outer, code);
    jump_deep(depth - 1, code);
    __asm__ volatile("");
}

__attribute__((noinline)) static int nested(void) {
    volatile int steps = 0;
    if (setjmp(inner) == 0) {
        steps += 1;
        longjmp(inner, 7);
    }
    steps += 10;
    return steps;
}

int main(void) {
    volatile int count = 0;
    int r = setjmp(outer);
    if (r < 3) {
        count++;
        jump_deep(20, r + 1);
    }
    int n = nested();
    volatile int sig = 0;
    if (sigsetjmp(sigbuf, 1) == 0) {
        sig = 1;
        siglongjmp(sigbuf, 2);
    } else {
        sig += 100;
    }
    printf("setjmp returned %d after %d jumps, nested=%d, sig=%d\n", r, count, n, sig);
    int ok = r == 3 && count == 3 && n == 11 && sig == 101;
    printf("%s\n", ok ? "setjmp ok" : "setjmp WRONG");
    return ok ? 0 : 1;
}
