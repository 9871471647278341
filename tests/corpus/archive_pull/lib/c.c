#include <stdio.h>
int unused_c(int x) { return x; }
__attribute__((constructor)) static void c_ctor(void) { printf("WRONG: member c pulled\n"); }
