#include <stdio.h>
__attribute__((constructor(102))) static void b_c102(void) { printf("ctor b 102\n"); }
__attribute__((constructor(200))) static void b_c200(void) { printf("ctor b 200\n"); }
__attribute__((constructor(65535))) static void b_c65535(void) { printf("ctor b 65535\n"); }
__attribute__((constructor)) static void b_plain(void) { printf("ctor b plain\n"); }
__attribute__((destructor(102))) static void b_d102(void) { printf("dtor b 102\n"); }
__attribute__((destructor(300))) static void b_d300(void) { printf("dtor b 300\n"); }
__attribute__((destructor)) static void b_dplain(void) { printf("dtor b plain\n"); }
