/* A weak definition in the program does not make the linker pull an archive member that has a
   strong definition of the same symbol; the member is pulled only for a symbol still undefined. */
#include <stdio.h>
#include <string.h>

__attribute__((weak)) const char *which(void) { return "weak in program"; }
const char *pulled(void);

int main(void) {
    const char *w = which();
    const char *p = pulled();
    printf("which=%s pulled=%s\n", w, p);
    int ok = !strcmp(w, "weak in program") && !strcmp(p, "from archive");
    printf("%s\n", ok ? "weak archive ok" : "weak archive WRONG");
    return ok ? 0 : 1;
}
