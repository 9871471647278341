/* Archive members are pulled only to satisfy undefined symbols, transitively; a member nobody
   needs stays out (its constructor would print). */
#include <stdio.h>
int used_a(int);
extern int lib_data[3];
int main(void) {
    int r = used_a(5);
    printf("used_a(5)=%d lib_data=%d,%d,%d\n", r, lib_data[0], lib_data[1], lib_data[2]);
    int ok = r == 5 * 2 + 100 && lib_data[2] == 3;
    printf("%s\n", ok ? "archive ok" : "archive WRONG");
    return ok ? 0 : 1;
}
