/* atexit handlers run in reverse registration order, interleaved correctly with destructors,
   and a handler registered by a handler runs too. */
#include <stdio.h>
#include <stdlib.h>

static void h1(void) { printf("atexit 1\n"); }
static void h2(void) { printf("atexit 2\n"); }
static void late(void) { printf("registered during exit\n"); }
static void h3(void) {
    printf("atexit 3, registering another\n");
    atexit(late);
}
void register_from_other(void);
__attribute__((destructor)) static void dtor(void) { printf("destructor\n"); }

int main(void) {
    atexit(h1);
    register_from_other();
    atexit(h2);
    atexit(h3);
    printf("main returns\n");
    return 0;
}
