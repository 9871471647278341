#include <stdio.h>
int live_fn(int);
extern const int __start_gc_keep_set[], __stop_gc_keep_set[];
static int unused_static(void) { return 5; }
int unused_global(void) { return unused_static(); }
int main(void) {
    int r = live_fn(3);
    long n = __stop_gc_keep_set - __start_gc_keep_set;
    printf("live_fn(3)=%d keep set has %ld entries, first %d\n", r, n, n ? __start_gc_keep_set[0] : -1);
    int ok = r == 10 && n == 1 && __start_gc_keep_set[0] == 1234;
    printf("%s\n", ok ? "gc-sections ok" : "gc-sections WRONG");
    return ok ? 0 : 1;
}
