/* --defsym defines new names as expressions over existing symbols. */
#include <stdio.h>
int alias_fn(int);
extern int alias_data[4];
int real_fn(int);
extern int real_data[4];
extern int data_plus_8[2];
int main(void) {
    int same = (void *)alias_fn == (void *)real_fn && alias_data == real_data &&
               data_plus_8 == real_data + 2;
    printf("alias_fn(1)=%d alias_data[0]=%d data_plus_8[0]=%d same=%d\n", alias_fn(1), alias_data[0],
           data_plus_8[0], same);
    int ok = alias_fn(1) == 1001 && alias_data[0] == 4 && data_plus_8[0] == 2 && same;
    printf("%s\n", ok ? "defsym ok" : "defsym WRONG");
    return ok ? 0 : 1;
}
