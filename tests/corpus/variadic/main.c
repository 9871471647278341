/* Variadic functions across objects: ints, doubles (in SSE registers, %al count), va_copy,
   and forwarding to vsnprintf. */
#include <stdio.h>
int sum_ints(int n, ...);
double mixed(int n, ...);
int format(char *buf, size_t size, const char *fmt, ...);

int main(void) {
    int s = sum_ints(10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    double m = mixed(8, 1L, 0.5, 2L, 0.25, 3L, 0.125, 4L, 1.0);
    char buf[64];
    int n = format(buf, sizeof buf, "%s-%d-%.3f-%c", "fmt", 42, 3.14159, 'z');
    printf("sum=%d mixed=%.3f format=%s (%d)\n", s, m, buf, n);
    int ok = s == 55 && m == 11.875 && n == 14;
    printf("%s\n", ok ? "variadic ok" : "variadic WRONG");
    return ok ? 0 : 1;
}
