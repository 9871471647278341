/* .init_array/.fini_array from several objects: init runs in link order, fini in reverse.
   Each object has two entries; aligned(8) stops GCC from giving them 16-byte alignment,
   which would leave null padding between the objects' .init_array pieces. */
#include <stdio.h>
static void a_init1(void) { printf("init a 1\n"); }
static void a_init2(void) { printf("init a 2\n"); }
static void a_fini1(void) { printf("fini a 1\n"); }
static void a_fini2(void) { printf("fini a 2\n"); }
struct two_fns { void (*first)(void), (*second)(void); };
__attribute__((section(".init_array"), used, aligned(8))) static struct two_fns a_inits = {a_init1, a_init2};
__attribute__((section(".fini_array"), used, aligned(8))) static struct two_fns a_finis = {a_fini1, a_fini2};
__attribute__((constructor)) static void a_ctor(void) { printf("ctor a\n"); }
__attribute__((destructor)) static void a_dtor(void) { printf("dtor a\n"); }
