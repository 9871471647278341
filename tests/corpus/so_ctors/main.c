#include <stdio.h>
int lib_get(void);
static int seen_in_ctor = -1;
__attribute__((constructor)) static void exe_init(void) {
    seen_in_ctor = lib_get();
    printf("program constructor sees library state %d\n", seen_in_ctor);
}
__attribute__((destructor)) static void exe_fini(void) { printf("program destructor\n"); }
int main(void) {
    printf("main\n");
    return seen_in_ctor == 1 ? 0 : 1;
}
