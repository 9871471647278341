#include "../reg.h"
extern const struct reg __stop_regs[], __start_unused_regs[];
REG(unused_reg, "unused", 1000);
const void *unused_fn(void) { return __stop_regs + (__start_unused_regs != 0); }
