/* Floating-point and vector constants, which GCC puts in mergeable .rodata.cst8/.rodata.cst16
   sections; the same constants in both objects get merged. */
typedef float v4f __attribute__((vector_size(16)));
double a_poly(double x) { return 0.1 * x * x + 2.75 * x - 1.125; }
v4f a_vec(v4f v) { return v * (v4f){1.5f, 2.5f, 3.5f, 4.5f} + (v4f){0.25f, 0.25f, 0.25f, 0.25f}; }
double a_abs(double x) { return __builtin_fabs(x); }
long double a_ld(long double x) { return x * 1.1L; }
