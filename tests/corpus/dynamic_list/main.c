/* --dynamic-list and --export-dynamic-symbol: exactly the listed symbols become visible to dlsym
 * (a plugin host exporting its API), nothing else. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>

int plugin_api_version(void) { return 3; }
int plugin_api_register(int x) { return x + 100; }
int exported_by_option(void) { return 7; }
int not_exported(void) { return -1; }
int api_counter = 42;

static int found(const char *name) { return dlsym(RTLD_DEFAULT, name) != NULL; }

int main(void) {
    int (*ver)(void) = (int (*)(void))dlsym(RTLD_DEFAULT, "plugin_api_version");
    int *counter = (int *)dlsym(RTLD_DEFAULT, "api_counter");
    printf("version=%d register=%d option=%d counter=%d hidden=%d\n", ver ? ver() : 0,
           found("plugin_api_register"), found("exported_by_option"), counter ? *counter : 0,
           found("not_exported"));
    int ok = ver && ver() == 3 && found("plugin_api_register") && found("exported_by_option") &&
             counter && *counter == 42 && !found("not_exported");
    printf("%s\n", ok ? "dynamic list ok" : "dynamic list WRONG");
    return ok ? 0 : 1;
}
