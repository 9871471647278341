/* The program tests/gdb.rs links and debugs (with shapes.c). The lines marked BREAK:<name> are
 * where the test sets breakpoints (CALL:<name> lines are call sites a backtrace shows, FUNC:<name>
 * where a function starts); the test finds them by the marker, so edits keep the test right. */
#include <stdio.h>

#include "shapes.h"

int global_counter = 7;
static __thread int tls_local = 77;

static int measure_side(const struct shape *s, int side) { /* FUNC:measure_side */
    int length = (side + 1) * s->corner.x + s->corner.y;
    bump_tls(length);
    tls_local += side;
    return length; /* BREAK:measure */
}

int main(int argc, char **argv) {
    (void)argv;
    struct shape tri = {"triangle", {argc + 4, 10}, 3, 1.5};
    int perimeter = walk_shape(&tri, measure_side); /* CALL:walk */
    printf("%s perimeter %d tls %d %d global %d\n", tri.name, perimeter, tls_counter, tls_local,
           global_counter);
    return perimeter == 60 ? 0 : 1; /* BREAK:end */
}
