/* A GNU ld script as an input, the way distributions install libc.so: the program needs libm,
 * which only the script's AS_NEEDED brings in, and a helper from an archive the script's GROUP
 * names through its SEARCH_DIR. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int helper_scale(int);

int main(int argc, char **argv) {
    (void)argv;
    double x = 1.0 + argc; /* not a constant: the call to cos must stay */
    int v = helper_scale(7);
    printf("cos=%.6f helper=%d\n", cos(x), v);
    int ok = v == 21 && fabs(cos(x) - cos(2.0)) < 1e-12;
    printf("%s\n", ok ? "script ok" : "script WRONG");
    return ok ? 0 : 1;
}
