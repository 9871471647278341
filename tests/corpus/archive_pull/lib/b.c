#include <stdio.h>
int used_b(int x) { return x * 2; }
__attribute__((constructor)) static void b_ctor(void) { printf("member b pulled\n"); }
