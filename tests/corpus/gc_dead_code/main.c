/* --gc-sections drops functions and data nothing live reaches, so a dead function may refer to a
 * symbol defined nowhere (GNU ld links this); live code, constructors, exception tables and
 * __start_/__stop_ sections must survive. */
#include <stdio.h>
#include <string.h>

extern int symbol_defined_nowhere(int);
extern const char *helper_name(void);

/* Dead: nothing calls it. */
int dead_function(int x) { return symbol_defined_nowhere(x) + 1; }
/* Dead data referring to dead code. */
int (*dead_pointer)(int) = dead_function;
static const char dead_string[] = "this string is garbage";

static int constructed;
__attribute__((constructor)) static void init(void) { constructed = 42; }

__attribute__((used, section("kept_items"))) static const int item_a = 5;
__attribute__((used, section("kept_items"))) static const int item_b = 6;
extern const int __start_kept_items[], __stop_kept_items[];

static int live_helper(int v) { return v * 3; }
int (*volatile live_pointer)(int) = live_helper;

int main(void) {
    int sum = 0;
    for (const int *p = __start_kept_items; p < __stop_kept_items; p++)
        sum += *p;
    printf("constructed=%d items=%d helper=%s pointer=%d len=%zu\n", constructed, sum, helper_name(),
           live_pointer(5), strlen("live"));
    int ok = constructed == 42 && sum == 11 && live_pointer(5) == 15;
    printf("%s\n", ok ? "gc ok" : "gc WRONG");
    return ok ? 0 : 1;
}
