/* libm (-lm): several functions, some of them IFUNCs inside libm. */
#include <math.h>
#include <stdio.h>

int main(void) {
    volatile double x = 0.5, y = 2.0, z = 10.0;
    printf("sin=%.6f cos=%.6f tan=%.6f\n", sin(x), cos(x), tan(x));
    printf("exp=%.6f log=%.6f log10=%.6f pow=%.6f sqrt=%.6f\n", exp(x), log(z), log10(z), pow(z, y),
           sqrt(y));
    printf("atan2=%.6f fmod=%.6f floor=%.1f ceil=%.1f round=%.1f hypot=%.6f\n", atan2(x, y),
           fmod(z, 3.0), floor(-x), ceil(x), round(2.5), hypot(3.0, 4.0));
    printf("sinf=%.5f expf=%.5f cbrt=%.6f erf=%.6f tgamma=%.6f\n", sinf((float)x), expf((float)x),
           cbrt(27.0 + x - 0.5), erf(x), tgamma(5.0));
    int ok = fabs(pow(z, y) - 100.0) < 1e-9 && fabs(hypot(3.0, 4.0) - 5.0) < 1e-12 &&
             fabs(tgamma(5.0) - 24.0) < 1e-9;
    printf("%s\n", ok ? "libm ok" : "libm WRONG");
    return ok ? 0 : 1;
}
