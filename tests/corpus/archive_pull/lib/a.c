#include <stdio.h>
int used_b(int);
int used_a(int x) { return used_b(x) + 100; }
__attribute__((constructor)) static void a_ctor(void) { printf("member a pulled\n"); }
