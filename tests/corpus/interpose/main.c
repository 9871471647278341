#include <stdio.h>
int hook(void) { return 2; }
int lib_calls_hook(void);
int lib_only(void);
int main(void) {
    int direct = hook(), from_lib = lib_calls_hook();
    printf("hook direct=%d from library=%d lib_only=%d\n", direct, from_lib, lib_only());
    int ok = direct == 2 && from_lib == 2 && lib_only() == 7;
    printf("%s\n", ok ? "interpose ok" : "interpose WRONG");
    return ok ? 0 : 1;
}
