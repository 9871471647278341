#include <stdarg.h>
#include <stdio.h>
int sum_ints(int n, ...) {
    va_list ap;
    va_start(ap, n);
    int s = 0;
    for (int i = 0; i < n; i++)
        s += va_arg(ap, int);
    va_end(ap);
    return s;
}
double mixed(int n, ...) {
    va_list ap, copy;
    va_start(ap, n);
    va_copy(copy, ap);
    double s = 0;
    for (int i = 0; i < n; i++)
        s += i % 2 ? va_arg(ap, double) : (double)va_arg(ap, long);
    double again = 0;
    for (int i = 0; i < n; i++)
        again += i % 2 ? va_arg(copy, double) : (double)va_arg(copy, long);
    va_end(copy);
    va_end(ap);
    return s == again ? s : -1;
}
int format(char *buf, size_t size, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return r;
}
