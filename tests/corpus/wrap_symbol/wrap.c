int __real_compute(int);
int wrap_calls;
int __wrap_compute(int x) {
    wrap_calls++;
    return __real_compute(x) + 1;
}
