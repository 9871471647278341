/* A shared library as build systems make one: exported function and data, a constructor, a
 * hidden helper. */
#include <stdio.h>
#include "demo.h"

int demo_counter = 40;
static int ready;

__attribute__((constructor)) static void init(void) { ready = 1; }
__attribute__((visibility("hidden"))) int demo_twice(int x) { return 2 * x; }

int demo_next(void) { return ready ? demo_twice(++demo_counter) : -1; }
const char *demo_name(void) { return "demo library"; }
