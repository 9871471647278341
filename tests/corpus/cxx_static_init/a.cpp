#include "registry.h"

static Registrar reg_a("a");

void bump_from_a() {
    Counter<int>::bump();
    Counter<double>::bump();
    shared_inline += 1;
    inline_static() += 10;
}
