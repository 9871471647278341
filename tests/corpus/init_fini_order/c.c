/* .init_array/.fini_array from several objects: init runs in link order, fini in reverse.
   Each object has two entries; aligned(8) stops GCC from giving them 16-byte alignment,
   which would leave null padding between the objects' .init_array pieces. */
#include <stdio.h>
static void c_init1(void) { printf("init c 1\n"); }
static void c_init2(void) { printf("init c 2\n"); }
static void c_fini1(void) { printf("fini c 1\n"); }
static void c_fini2(void) { printf("fini c 2\n"); }
struct two_fns { void (*first)(void), (*second)(void); };
__attribute__((section(".init_array"), used, aligned(8))) static struct two_fns c_inits = {c_init1, c_init2};
__attribute__((section(".fini_array"), used, aligned(8))) static struct two_fns c_finis = {c_fini1, c_fini2};
__attribute__((constructor)) static void c_ctor(void) { printf("ctor c\n"); }
__attribute__((destructor)) static void c_dtor(void) { printf("dtor c\n"); }
