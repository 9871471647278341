/* Structs passed and returned by value across objects, in registers and in memory. */
#include <stdio.h>
#include "shapes.h"
int main(void) {
    struct small s = make_small(3, 4);
    struct mixed m = scale_mixed((struct mixed){1.5, 10}, 4.0);
    struct big b = {{1, 1, 1, 1, 1, 1, 1, 1}, "empty"};
    struct big f = fill_big(b, 10);
    printf("small=%d,%d mixed=%.1f,%ld big=%ld tag=%s original=%ld/%s\n", s.a, s.b, m.x, m.y,
           sum_big(f), f.tag, sum_big(b), b.tag);
    int ok = s.a == 6 && s.b == 12 && m.x == 6.0 && m.y == 20 && sum_big(f) == 116 && sum_big(b) == 8;
    printf("%s\n", ok ? "structs ok" : "structs WRONG");
    return ok ? 0 : 1;
}
