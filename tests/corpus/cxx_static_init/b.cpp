#include "registry.h"

static Registrar reg_b("b");

std::vector<std::string> &registry() {
    static std::vector<std::string> names;
    return names;
}

void bump_from_b() {
    Counter<int>::bump();
    shared_inline += 2;
    inline_static() += 100;
}
