#include "../reg.h"
REG(extra_reg, "extra", 20);
int extra_used(void) { return 7; }
