#include <stdint.h>
#include <stdio.h>

extern int shared_arr[16], neighbour[16], initd;
extern char small_common;
extern long double ld_common;
int a_read(int);
int c_read(int);
void b_fill(void);

int main(void) {
    int zero = 1;
    for (int i = 0; i < 16; i++)
        zero = zero && shared_arr[i] == 0 && neighbour[i] == 0;
    b_fill();
    for (int i = 0; i < 16; i++)
        neighbour[i] = -1;
    int sum = 0;
    for (int i = 0; i < 16; i++)
        sum += shared_arr[i];
    ld_common = 1.25L;
    small_common = 'x';
    int aligned = (uintptr_t)&ld_common % 16 == 0;
    printf("zero=%d sum=%d a3=%d c7=%d last=%d initd=%d aligned=%d small=%c\n", zero, sum, a_read(3),
           c_read(7), shared_arr[15], initd, aligned, small_common);
    int ok = zero && sum == 1240 && a_read(3) == 9 && c_read(7) == 49 && shared_arr[15] == 225 &&
             initd == 5 && aligned;
    printf("%s\n", ok ? "common ok" : "common WRONG");
    return ok ? 0 : 1;
}
