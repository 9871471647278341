#include <stdio.h>
#include <string.h>

extern int hidden_counter __attribute__((visibility("hidden")));
int hidden_fn(int) __attribute__((visibility("hidden")));
extern int protected_var;
int protected_fn(void);
extern const char hidden_str[] __attribute__((visibility("hidden")));
extern int (*hidden_fp)(int) __attribute__((visibility("hidden")));

int main(void) {
    hidden_counter = 4;
    protected_var += 1;
    int a = hidden_fn(5), b = protected_fn(), c = hidden_fp(2);
    printf("hidden_fn=%d protected_fn=%d via pointer=%d str=%s\n", a, b, c, hidden_str);
    int ok = a == 20 && b == 12 && c == 8 && !strcmp(hidden_str, "hidden string");
    printf("%s\n", ok ? "visibility ok" : "visibility WRONG");
    return ok ? 0 : 1;
}
