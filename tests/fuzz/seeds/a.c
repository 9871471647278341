/* Fuzz seed: freestanding code touching most of what a linker handles: data, merged strings and
   constants, TLS, COMMON, weak references, IFUNC, constructors, a jump table, calls into archives. */
__thread int tls_a = 5;
__thread int tls_b;
int common_x;
static const char *const msgs[] = {"hello", "world", "hello world", "fuzz"};
const double scale = 2.5;
int weak_fn(void) __attribute__((weak));
static int impl1(void) { return 1; }
static void *resolve_ifn(void) { return (void *)impl1; }
int ifn(void) __attribute__((ifunc("resolve_ifn")));
__attribute__((constructor)) static void ctor(void) { common_x = 1; }
extern int lib_fn(int);
extern int lib_long_member_fn(int);
extern int thin_fn(int);
extern int cxx_entry(int);
extern int zlib_fn(int);
extern int zstd_fn(int);
int (*volatile fptr)(int) = lib_fn;

int pick(int k) {
    switch (k) {
    case 0: return 3;
    case 1: return 7;
    case 2: return 11;
    case 3: return 13;
    case 4: return 17;
    case 5: return 19;
    default: return 0;
    }
}

int fuzz_main(void) {
    int n = 0;
    for (int i = 0; i < 4; i++)
        n += msgs[i][0];
    n += tls_a + tls_b + common_x + ifn() + pick(n & 7) + (int)(scale * 2);
    if (weak_fn)
        n += weak_fn();
    n += fptr(1) + lib_long_member_fn(2) + thin_fn(3) + cxx_entry(4) + zlib_fn(5) + zstd_fn(6);
    return n & 0x7f;
}
