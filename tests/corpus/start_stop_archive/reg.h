struct reg {
    const char *name;
    int value;
};
#define REG(id, n, v) \
    __attribute__((section("regs"), used, aligned(16))) static const struct reg id = {n, v}
