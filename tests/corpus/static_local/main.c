/* Function-local statics: zero-initialised, initialised, pointers between them. */
#include <stdio.h>
#include "counter.h"
int other_count(void);

__attribute__((noinline)) static int next_id(void) {
    static int id = 100;
    return id++;
}
__attribute__((noinline)) static const char *cycle(void) {
    static const char *names[] = {"red", "green", "blue"};
    static int i;
    static const char **cursor = names;
    const char *r = cursor[i];
    i = (i + 1) % 3;
    return r;
}
__attribute__((noinline)) static int *shared_cell(void) {
    static int cell;
    return &cell;
}

int main(void) {
    int a = next_id(), b = next_id(), c = next_id();
    const char *s1 = cycle(), *s2 = cycle(), *s3 = cycle(), *s4 = cycle();
    *shared_cell() = 5;
    *shared_cell() += 1;
    int m1 = per_object_counter(), m2 = per_object_counter(), o1 = other_count();
    printf("ids %d %d %d; %s %s %s %s; cell %d; counters main %d,%d other %d\n", a, b, c, s1, s2, s3,
           s4, *shared_cell(), m1, m2, o1);
    int ok = c == 102 && *shared_cell() == 6 && m2 == 2 && o1 == 1;
    printf("%s\n", ok ? "static locals ok" : "static locals WRONG");
    return ok ? 0 : 1;
}
