/* Fuzz seed: a shared library with a versioned symbol and TLS. */
__thread int so_tls = 1;
int so_data = 42;
int so_fn(int x) { return x + so_data + so_tls; }
