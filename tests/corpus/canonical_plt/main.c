/* A function's address must be the same everywhere. Non-PIC code taking the address of a
   shared-library function gets a canonical PLT entry, whose address the library must see too. */
#include <stdio.h>

int so_func(int);
void *so_func_addr(void);
void *so_puts_addr(void);
extern int (*so_callback)(int);
int so_call_callback(int);

static int local_cb(int x) { return x + 1000; }

/* also from initialised data */
void *addr_table[] = {(void *)so_func, (void *)puts};

int main(void) {
    void *mine = (void *)so_func;
    int eq_func = mine == so_func_addr();
    int eq_puts = (void *)puts == so_puts_addr();
    int eq_table = addr_table[0] == so_func_addr() && addr_table[1] == so_puts_addr();
    int (*fp)(int) = so_func;
    so_callback = so_func;
    int via_cb = so_call_callback(21);
    so_callback = local_cb;
    int via_local = so_call_callback(1);
    printf("so_func: equal=%d call=%d; puts equal=%d; table=%d; callbacks %d %d\n", eq_func, fp(4),
           eq_puts, eq_table, via_cb, via_local);
    int ok = eq_func && eq_puts && eq_table && fp(4) == 8 && via_cb == 42 && via_local == 1001;
    printf("%s\n", ok ? "canonical plt ok" : "canonical plt WRONG");
    return ok ? 0 : 1;
}
