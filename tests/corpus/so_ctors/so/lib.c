/* A shared library's constructors run before the executable's, its destructors after. */
#include <stdio.h>
int lib_state;
__attribute__((constructor)) static void lib_init(void) {
    lib_state = 1;
    printf("library constructor\n");
}
__attribute__((destructor)) static void lib_fini(void) { printf("library destructor\n"); }
int lib_get(void) { return lib_state; }
