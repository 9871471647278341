/* The second file of the program tests/gdb.rs debugs: calls back into main.c, so that a
 * backtrace from main.c's callback runs through this file and back into main.c. The lines
 * marked BREAK:<name> are where the test sets breakpoints, CALL:<name> marks a call site; the
 * test finds them by the marker. */
#include "shapes.h"

__thread int tls_counter = 1000;

int walk_shape(const struct shape *s, int (*visit)(const struct shape *, int)) {
    int total = 0;
    for (int side = 0; side < s->sides; side++) {
        int got = visit(s, side); /* CALL:visit */
        total += got; /* BREAK:walk */
    }
    return total;
}

void bump_tls(int by) {
    tls_counter += by;
    global_counter++;
}
