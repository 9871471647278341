/* .preinit_array entries run before every constructor, with argc/argv/envp. */
#include <stdio.h>
#include <string.h>

static int order;
static int pre_seen_argc = -1, pre_order = -1, pre2_order = -1, ctor_order = -1;

static void pre(int argc, char **argv, char **envp) {
    pre_seen_argc = argc;
    pre_order = order++;
    if (argv == NULL || strcmp(argv[0], "prog") != 0 || envp == NULL)
        pre_seen_argc = -2;
}
static void pre2(int argc, char **argv, char **envp) {
    (void)argc, (void)argv, (void)envp;
    pre2_order = order++;
}
/* aligned(8): no 16-byte alignment and padding inside .preinit_array (see init_fini_order). */
struct preinit_fns {
    void (*first)(int, char **, char **), (*second)(int, char **, char **);
};
__attribute__((section(".preinit_array"), used, aligned(8))) static struct preinit_fns preinit = {pre, pre2};

__attribute__((constructor)) static void ctor(void) { ctor_order = order++; }

int main(int argc, char **argv) {
    (void)argv;
    printf("preinit argc=%d order: pre=%d pre2=%d ctor=%d main=%d\n", pre_seen_argc, pre_order,
           pre2_order, ctor_order, order);
    int ok = pre_seen_argc == argc && pre_order == 0 && pre2_order == 1 && ctor_order == 2;
    printf("%s\n", ok ? "preinit ok" : "preinit WRONG");
    return ok ? 0 : 1;
}
