#include <stdio.h>

extern __thread int gd_var;
extern __thread char gd_name[16];
extern __thread double gd_zero;
int *gd_addr(void);

int main(void) {
    gd_var *= 6;
    gd_zero += 1.5;
    gd_name[0] = 'T';
    int same = gd_addr() == &gd_var;
    printf("gd var=%d via other object=%d same address=%d name=%s zero=%.1f\n", gd_var, *gd_addr(),
           same, gd_name, gd_zero);
    int ok = gd_var == 42 && same && gd_zero == 1.5;
    printf("%s\n", ok ? "tls gd ok" : "tls gd WRONG");
    return ok ? 0 : 1;
}
