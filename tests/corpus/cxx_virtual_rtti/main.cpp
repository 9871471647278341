#include <cstdio>
#include <typeinfo>

#include "shapes.h"

int main() {
    bool ok = true;
    double total = 0;
    int squares = 0;
    for (auto &s : make_shapes()) {
        total += s->area();
        if (auto *sq = dynamic_cast<Square *>(s.get())) {
            squares++;
            const Named &n = *sq;
            std::printf("%s %s area=%.1f\n", s->name().c_str(), n.label().c_str(), s->area());
            ok &= dynamic_cast<const Square *>(&n) == sq;
        } else {
            std::printf("%s area=%.1f typeid=%s\n", s->name().c_str(), s->area(),
                        typeid(*s) == typeid(Circle) ? "Circle" : "?");
        }
    }
    Diamond d;
    const Base &b = as_base(d);
    const Diamond *back = dynamic_cast<const Diamond *>(&b);
    std::printf("total=%.1f squares=%d diamond=%d%d%d%d back=%d\n", total, squares, d.b, d.l, d.r, d.d,
                back == &d);
    ok &= total == 16.0 && squares == 2 && back == &d;
    std::printf("%s\n", ok ? "virtual ok" : "virtual WRONG");
    return ok ? 0 : 1;
}
