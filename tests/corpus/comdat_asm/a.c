/* The same function and variable defined in two objects, each in a COMDAT group with the same
   signature: the linker keeps the first group (a.o's) and discards the other. */
__asm__(".section .text.comdat_fn,\"axG\",@progbits,comdat_fn,comdat\n"
        ".globl comdat_fn\n"
        ".type comdat_fn,@function\n"
        "comdat_fn:\n"
        "  movl $1, %eax\n"
        "  ret\n"
        ".size comdat_fn, .-comdat_fn\n"
        ".section .data.comdat_var,\"awG\",@progbits,comdat_var,comdat\n"
        ".globl comdat_var\n"
        ".type comdat_var,@object\n"
        ".size comdat_var, 4\n"
        "comdat_var:\n"
        "  .long 100\n"
        ".text\n");

int comdat_fn(void);
extern int comdat_var;
int a_calls(void) { return comdat_fn() * 1000 + comdat_var; }
int *a_var_addr(void) { return &comdat_var; }
