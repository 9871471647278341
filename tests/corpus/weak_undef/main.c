/* Undefined weak references resolve to 0 when nothing defines them, and to the definition when
   something does. */
#include <stdio.h>

extern void missing_fn(void) __attribute__((weak));
extern int missing_var __attribute__((weak));
extern int missing_arr[] __attribute__((weak));
extern void present_fn(void) __attribute__((weak));
extern int present_var __attribute__((weak));

/* Also through initialised data (absolute relocations against weak undefined symbols). */
void (*fn_table[])(void) = {missing_fn, present_fn};
int *var_table[] = {&missing_var, &present_var};

int main(void) {
    int missing = missing_fn == NULL && &missing_var == NULL && missing_arr == NULL;
    int present = present_fn != NULL && &present_var != NULL && present_var == 9;
    int tables = fn_table[0] == NULL && fn_table[1] == present_fn && var_table[0] == NULL &&
                 var_table[1] == &present_var;
    if (missing_fn)
        missing_fn();
    if (present_fn)
        present_fn();
    printf("missing are null=%d present resolved=%d tables=%d\n", missing, present, tables);
    int ok = missing && present && tables;
    printf("%s\n", ok ? "weak undef ok" : "weak undef WRONG");
    return ok ? 0 : 1;
}
