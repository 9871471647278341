/* Two archives that need each other: a1 (libcase) -> b1 (libcase2) -> a2 (libcase again).
   Only a --start-group/--end-group rescan resolves a2. */
#include <stdio.h>
int a1(int);
int main(void) {
    int r = a1(6);
    printf("a1(6)=%d\n", r);
    int ok = r == 1 + 10 + 100 + 1 + 10 + 100;
    printf("%s\n", ok ? "group ok" : "group WRONG");
    return ok ? 0 : 1;
}
