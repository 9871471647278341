#include <stdio.h>
int so_func(int x) { return x * 2; }
void *so_func_addr(void) { return (void *)so_func; }
void *so_puts_addr(void) { return (void *)puts; }
void *so_main_fn_addr(void);
int (*so_callback)(int);
int so_call_callback(int x) { return so_callback(x); }
