#include <stdio.h>
extern long large_data[1024], large_bss[4096];
extern const long large_ro[512];
extern int small_data;
static long local_large[2048] = {100};
int main(void) {
    large_bss[4095] = large_data[2] + large_ro[2];
    local_large[2047] = local_large[0] + small_data;
    long *p = &large_data[1023];
    *p = 77;
    printf("large: data=%ld bss=%ld ro=%ld local=%ld last=%ld\n", large_data[0], large_bss[4095],
           large_ro[1], local_large[2047], large_data[1023]);
    int ok = large_bss[4095] == 12 && local_large[2047] == 105 && large_bss[0] == 0;
    printf("%s\n", ok ? "medium model ok" : "medium model WRONG");
    return ok ? 0 : 1;
}
