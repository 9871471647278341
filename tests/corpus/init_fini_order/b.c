/* .init_array/.fini_array from several objects: init runs in link order, fini in reverse.
   Each object has two entries; aligned(8) stops GCC from giving them 16-byte alignment,
   which would leave null padding between the objects' .init_array pieces. */
#include <stdio.h>
static void b_init1(void) { printf("init b 1\n"); }
static void b_init2(void) { printf("init b 2\n"); }
static void b_fini1(void) { printf("fini b 1\n"); }
static void b_fini2(void) { printf("fini b 2\n"); }
struct two_fns { void (*first)(void), (*second)(void); };
__attribute__((section(".init_array"), used, aligned(8))) static struct two_fns b_inits = {b_init1, b_init2};
__attribute__((section(".fini_array"), used, aligned(8))) static struct two_fns b_finis = {b_fini1, b_fini2};
__attribute__((constructor)) static void b_ctor(void) { printf("ctor b\n"); }
__attribute__((destructor)) static void b_dtor(void) { printf("dtor b\n"); }
