#include <stdio.h>
typedef float v4f __attribute__((vector_size(16)));
double a_poly(double);
v4f a_vec(v4f);
double a_abs(double);
long double a_ld(long double);
static double m_poly(double x) { return 0.1 * x * x + 2.75 * x - 1.125; }
int main(void) {
    volatile double x = 3.0;
    v4f v = a_vec((v4f){1.0f, 2.0f, 3.0f, 4.0f});
    double p = a_poly(x), q = m_poly(x);
    printf("poly=%.6f same=%d vec=%.2f,%.2f,%.2f,%.2f abs=%.3f ld=%.6Lf\n", p, p == q, v[0], v[1],
           v[2], v[3], a_abs(-x * 1.5), a_ld(2.0L));
    int ok = p == q && v[3] == 18.25f && a_abs(-4.5) == 4.5;
    printf("%s\n", ok ? "constants ok" : "constants WRONG");
    return ok ? 0 : 1;
}
