/* exit(5) from a nested call: atexit handlers (reverse order) and destructors run, buffered
   stdout is flushed, and the status is 5. */
#include <stdio.h>
#include <stdlib.h>
static void first(void) { printf("atexit first (runs last)\n"); }
static void second(void) { printf("atexit second (runs first)\n"); }
__attribute__((destructor)) static void dtor(void) { printf("destructor\n"); }
__attribute__((noinline)) static void deep(int n) {
    if (n == 0) {
        printf("calling exit(5)\n");
        exit(5);
    }
    deep(n - 1);
    printf("never printed\n");
}
int main(void) {
    atexit(first);
    atexit(second);
    deep(5);
    return 0;
}
