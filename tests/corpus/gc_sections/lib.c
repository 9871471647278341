/* --gc-sections with -ffunction-sections -fdata-sections: unreferenced functions and data go,
   while everything reachable, constructors, and retained (used) sections stay. */
#include <stdio.h>
int live_data = 7;
int dead_data[1000] = {1};
int live_fn(int x) { return x + live_data; }
int dead_fn(int x) { return x + dead_data[x]; }
__attribute__((constructor)) static void kept_ctor(void) { printf("constructor kept\n"); }
__attribute__((section("gc_keep_set"), used, aligned(8))) static const int keep_me = 1234;
