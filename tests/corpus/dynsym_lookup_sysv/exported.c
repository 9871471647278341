/* 64 exported functions and a variable, found by name at run time through the program's
   .dynsym and .gnu.hash (-rdynamic). */
#define F(n) int exported_fn_##n(void) { return n; }
#define F8(n) F(n##0) F(n##1) F(n##2) F(n##3) F(n##4) F(n##5) F(n##6) F(n##7)
F8(1) F8(2) F8(3) F8(4) F8(5) F8(6) F8(7) F8(8)
int exported_var = 4242;
__attribute__((visibility("hidden"))) int hidden_fn(void) { return -1; }
static int static_fn(void) { return -2; }
int call_static(void) { return static_fn(); }
