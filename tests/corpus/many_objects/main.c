/* Twelve small objects calling each other in a chain. */
#include <stdio.h>
int f0(int);
extern int counter_0, counter_11;
int main(void) {
    long total = 0;
    for (int i = 0; i < 5; i++)
        total += f0(i);
    printf("chain total=%ld counters=%d,%d\n", total, counter_0, counter_11);
    int ok = counter_0 == 5 && counter_11 == 5;
    printf("%s\n", ok ? "many objects ok" : "many objects WRONG");
    return ok ? 0 : 1;
}
