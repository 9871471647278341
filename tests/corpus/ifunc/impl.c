/* A user IFUNC: the resolver runs at load time (IRELATIVE relocation) and picks the body. */
static int add_generic(int x) { return x + 1; }
static int add_fast(int x) { return x + 100; }

static void *resolve_add(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("sse2") ? (void *)add_fast : (void *)add_generic;
}
int add(int) __attribute__((ifunc("resolve_add")));

static const char *name_impl(void) { return "resolved name"; }
static void *resolve_name(void) { return (void *)name_impl; }
const char *ifunc_name(void) __attribute__((ifunc("resolve_name")));

void *add_addr_from_impl(void) { return (void *)add; }
int add_from_impl(int x) { return add(x); }
