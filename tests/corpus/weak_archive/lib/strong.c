#include <stdio.h>
const char *which(void) { return "strong in archive"; }
__attribute__((constructor)) static void wrongly_pulled(void) { printf("WRONG: strong.o pulled\n"); }
