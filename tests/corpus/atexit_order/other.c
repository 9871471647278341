#include <stdio.h>
#include <stdlib.h>
static void other_handler(void) { printf("atexit from other object\n"); }
void register_from_other(void) { atexit(other_handler); }
