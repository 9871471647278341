int is_odd(unsigned n);
__attribute__((noinline)) int is_even(unsigned n) {
    if (n == 0)
        return 1;
    int r = is_odd(n - 1);
    __asm__ volatile("" : "+r"(r)); /* not a tail call: keep every frame */
    return r;
}
