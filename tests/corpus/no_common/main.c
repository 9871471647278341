#include <stdio.h>
#include <string.h>
extern int nc_int;
extern long nc_arr[32];
extern char nc_buf[100];
extern double nc_d;
int main(void) {
    int zero = nc_int == 0 && nc_arr[31] == 0 && nc_buf[99] == 0 && nc_d == 0.0;
    nc_int = 3;
    for (int i = 0; i < 32; i++)
        nc_arr[i] = i;
    strcpy(nc_buf, "bss buffer");
    nc_d = 0.5;
    long s = 0;
    for (int i = 0; i < 32; i++)
        s += nc_arr[i];
    printf("zero=%d int=%d sum=%ld buf=%s d=%.1f\n", zero, nc_int, s, nc_buf, nc_d);
    int ok = zero && s == 496;
    printf("%s\n", ok ? "no-common ok" : "no-common WRONG");
    return ok ? 0 : 1;
}
