#include <dlfcn.h>
#include <stdio.h>

int main(void) {
    int found = 0, sum = 0;
    char name[64];
    for (int i = 1; i <= 8; i++)
        for (int j = 0; j < 8; j++) {
            snprintf(name, sizeof name, "exported_fn_%d%d", i, j);
            int (*f)(void) = (int (*)(void))dlsym(RTLD_DEFAULT, name);
            if (f) {
                found++;
                sum += f();
            } else {
                printf("not found: %s\n", name);
            }
        }
    int *v = (int *)dlsym(RTLD_DEFAULT, "exported_var");
    int hidden_absent = dlsym(RTLD_DEFAULT, "hidden_fn") == NULL;
    int static_absent = dlsym(RTLD_DEFAULT, "static_fn") == NULL;
    int main_found = dlsym(RTLD_DEFAULT, "main") != NULL;
    printf("found %d functions, sum %d, var %d, hidden absent %d, static absent %d, main %d\n", found,
           sum, v ? *v : -1, hidden_absent, static_absent, main_found);
    int ok = found == 64 && sum == 3104 && v && *v == 4242 && hidden_absent && static_absent &&
             main_found;
    printf("%s\n", ok ? "dynsym ok" : "dynsym WRONG");
    return ok ? 0 : 1;
}
