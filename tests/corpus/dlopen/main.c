#include <dlfcn.h>
#include <stdio.h>

int host_data = 1000;
int host_value(void) { return 5; }

int main(void) {
    void *h = dlopen("./libcaseso.so", RTLD_NOW);
    if (!h) {
        printf("dlopen failed: %s\n", dlerror());
        return 1;
    }
    int (*fn)(int) = (int (*)(int))dlsym(h, "plugin_fn");
    int *data = (int *)dlsym(h, "plugin_data");
    void *missing = dlsym(h, "no_such_symbol");
    if (!fn || !data) {
        printf("dlsym failed\n");
        return 1;
    }
    int r = fn(10), d = *data;
    printf("plugin_fn(10)=%d plugin_data=%d missing=%d\n", r, d, missing == NULL);
    int closed = dlclose(h);
    printf("dlclose=%d\n", closed);
    int ok = r == 1015 && d == 77 && missing == NULL && closed == 0;
    printf("%s\n", ok ? "dlopen ok" : "dlopen WRONG");
    return ok ? 0 : 1;
}
