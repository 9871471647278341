/* The real function; its own object's calls are not wrapped (they are not undefined). */
int compute(int x) { return x * 10; }
int compute_from_impl(int x) { return compute(x); }
