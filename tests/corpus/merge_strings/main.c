#include <stdio.h>
#include <string.h>

const char *a_str(void), *b_str(void), *a_other(void), *b_other(void), *a_fmt(void), *b_fmt(void);

int main(void) {
    const char *a = a_str(), *b = b_str();
    printf("a=\"%s\" b=\"%s\" a==b:%d\n", a, b, a == b);
    printf("others: %s / %s distinct:%d\n", a_other(), b_other(), a_other() != b_other());
    printf(a_fmt(), 1);
    printf(b_fmt(), 2);
    printf("fmt a==b:%d\n", a_fmt() == b_fmt());
    int ok = !strcmp(a, b) && !strcmp(a_other(), "only in a") && !strcmp(b_other(), "only in b");
    printf("%s\n", ok ? "merge strings ok" : "merge strings WRONG");
    return ok ? 0 : 1;
}
