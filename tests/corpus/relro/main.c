/* Read-only data stays read-only: string literals, and (with RELRO) data that needed run-time
   relocation such as a const table of pointers in PIE. A write must fault. */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>

static sigjmp_buf env;
static void on_segv(int sig) {
    (void)sig;
    siglongjmp(env, 1);
}

__attribute__((noipa)) static int try_write(void *p, const char *what) {
    if (sigsetjmp(env, 1) == 0) {
        *(volatile char *)p = 'X';
        printf("%s: write succeeded\n", what);
        return 0;
    }
    printf("%s: write faulted\n", what);
    return 1;
}

static const char *const relro_table[] = {"alpha", "beta", "gamma"};
static const char literal[] = "read only";
static int (*const fn_table[])(const char *) = {puts};
char writable[8] = "rw";

int main(void) {
    struct sigaction sa = {0};
    sa.sa_handler = on_segv;
    sigaction(SIGSEGV, &sa, NULL);
    int f1 = try_write((void *)literal, "rodata");
    int f2 = try_write((void *)&relro_table[1], "const pointer table");
    int f3 = try_write((void *)&fn_table[0], "const function pointer table");
    int f4 = try_write(writable, "data");
    printf("tables still usable: %s %s\n", relro_table[1], writable);
    fn_table[0]("called through const table");
    return f1 && f2 && f3 && !f4 ? 0 : 1;
}
