#include <stdio.h>

int a_calls(void), b_calls(void);
int *a_var_addr(void), *b_var_addr(void);

int main(void) {
    int a = a_calls(), b = b_calls();
    int same_var = a_var_addr() == b_var_addr();
    printf("a sees %d, b sees %d, one variable: %d\n", a, b, same_var);
    int ok = a == 1100 && b == 1100 && same_var;
    printf("%s\n", ok ? "comdat ok" : "comdat WRONG");
    return ok ? 0 : 1;
}
