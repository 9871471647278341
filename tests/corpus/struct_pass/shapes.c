#include <string.h>
#include "shapes.h"
struct small make_small(int a, int b) { return (struct small){a * 2, b * 3}; }
struct mixed scale_mixed(struct mixed m, double k) { return (struct mixed){m.x * k, m.y * 2}; }
struct big fill_big(struct big in, long add) {
    for (int i = 0; i < 8; i++)
        in.v[i] += add + i;
    strcpy(in.tag, "filled");
    return in;
}
long sum_big(struct big b) {
    long s = 0;
    for (int i = 0; i < 8; i++)
        s += b.v[i];
    return s;
}
