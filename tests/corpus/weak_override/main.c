#include <stdio.h>
#include <string.h>

extern int value, only_weak;
const char *name(void);
const char *kept(void);
const char *name_from_weak_object(void);
int value_from_weak_object(void);

int main(void) {
    printf("value=%d only_weak=%d name=%s kept=%s\n", value, only_weak, name(), kept());
    printf("from weak object: name=%s value=%d\n", name_from_weak_object(), value_from_weak_object());
    int ok = value == 2 && only_weak == 10 && !strcmp(name(), "strong name") &&
             !strcmp(kept(), "weak kept") && !strcmp(name_from_weak_object(), "strong name") &&
             value_from_weak_object() == 2;
    printf("%s\n", ok ? "weak override ok" : "weak override WRONG");
    return ok ? 0 : 1;
}
