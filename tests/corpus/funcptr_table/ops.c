/* Function pointers in initialised data: R_X86_64_64 relocations in .data or .data.rel.ro
   (RELATIVE dynamic relocations in PIE). */
int op_add(int a, int b) { return a + b; }
int op_sub(int a, int b) { return a - b; }
int op_mul(int a, int b) { return a * b; }
static int op_div(int a, int b) { return b ? a / b : 0; }
int (*const exported_ops[])(int, int) = {op_add, op_sub, op_mul, op_div};
