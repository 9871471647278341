/* -fno-plt: calls to functions that may be external go through the GOT (call *f@GOTPCREL(%rip)),
   which the linker may relax to a direct call. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int util_twice(int);
const char *util_name(void);
int main(void) {
    char *s = strdup("no plt");
    size_t n = strlen(s);
    int t = util_twice(21);
    int (*fp)(int) = util_twice; /* address through the GOT too */
    puts(s);
    printf("strlen=%zu twice=%d via pointer=%d name=%s abs=%d\n", n, t, fp(4), util_name(), abs(-3));
    free(s);
    int ok = n == 6 && t == 42 && fp(4) == 8;
    printf("%s\n", ok ? "no-plt ok" : "no-plt WRONG");
    return ok ? 0 : 1;
}
