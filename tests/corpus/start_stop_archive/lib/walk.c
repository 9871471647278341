#include "../reg.h"
extern const struct reg __start_regs[], __stop_regs[];
int walk_regs(void) {
    int sum = 0, n = 0;
    for (const struct reg *r = __start_regs; r < __stop_regs; r++) {
        sum += r->value;
        n++;
    }
    return sum * 100 + n;
}
