#include <stdio.h>

extern __thread int ie_var;
extern __thread long ie_arr[8];
extern __thread int ie_zero;
int defs_read(void);

int main(void) {
    int before = defs_read();
    ie_var += 1;
    ie_arr[1] = 5;
    ie_zero = 100;
    int after = defs_read();
    printf("ie before=%d after=%d arr0=%ld arr2=%ld arr7=%ld\n", before, after, ie_arr[0], ie_arr[2],
           ie_arr[7]);
    int ok = before == 62 && after == 148 && ie_arr[7] == 0;
    printf("%s\n", ok ? "tls ie ok" : "tls ie WRONG");
    return ok ? 0 : 1;
}
