/* Constructor and destructor priorities across objects: prioritised constructors run in
   ascending priority, then plain ones; destructors in the opposite order. */
#include <stdio.h>
__attribute__((constructor(101))) static void a_c101(void) { printf("ctor a 101\n"); }
__attribute__((constructor(300))) static void a_c300(void) { printf("ctor a 300\n"); }
__attribute__((constructor)) static void a_plain(void) { printf("ctor a plain\n"); }
__attribute__((destructor(101))) static void a_d101(void) { printf("dtor a 101\n"); }
__attribute__((destructor(250))) static void a_d250(void) { printf("dtor a 250\n"); }
__attribute__((destructor)) static void a_dplain(void) { printf("dtor a plain\n"); }
