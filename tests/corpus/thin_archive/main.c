/* A thin archive (ar T): members are read from the object files the archive names. */
#include <stdio.h>
int thin_one(void);
int thin_two(void);
extern const char thin_msg[];
int main(void) {
    int v = thin_one() + thin_two();
    printf("thin %d %s\n", v, thin_msg);
    int ok = v == 3;
    printf("%s\n", ok ? "thin archive ok" : "thin archive WRONG");
    return ok ? 0 : 1;
}
