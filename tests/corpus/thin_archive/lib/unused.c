#include <stdio.h>
__attribute__((constructor)) static void unused_ctor(void) { printf("WRONG: unused member pulled\n"); }
int thin_unused(void) { return 9; }
