#include "registry.h"

struct Noisy {
    const char *name;
    explicit Noisy(const char *n) : name(n) { std::printf("construct %s\n", name); }
    ~Noisy() { std::printf("destroy %s\n", name); }
};

static Noisy first("first");
static Noisy second("second");

int main() {
    static Noisy local("local");
    bump_from_a();
    bump_from_b();
    bump_from_a();
    std::printf("registered:");
    for (auto &n : registry())
        std::printf(" %s", n.c_str());
    std::printf("\n");
    std::printf("Counter<int>=%d Counter<double>=%d shared_inline=%d inline_static=%d\n", Counter<int>::count,
                Counter<double>::count, shared_inline, inline_static());
    bool ok = Counter<int>::count == 103 && Counter<double>::count == 102 && shared_inline == 11 &&
              inline_static() == 120 && registry().size() == 2;
    std::printf("%s\n", ok ? "static init ok" : "static init WRONG");
    return ok ? 0 : 1;
}
