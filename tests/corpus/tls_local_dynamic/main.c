#include <stdio.h>
int a_sum(void);
void a_bump(void);
int b_sum(void);

int main(void) {
    int s1 = a_sum();
    a_bump();
    int s2 = a_sum();
    int s3 = b_sum();
    int s4 = b_sum();
    printf("ld a=%d,%d b=%d,%d\n", s1, s2, s3, s4);
    int ok = s1 == 13 && s2 == 77 && s3 == 199 && s4 == 200;
    printf("%s\n", ok ? "tls ld ok" : "tls ld WRONG");
    return ok ? 0 : 1;
}
