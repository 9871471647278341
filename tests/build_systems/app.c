#include <stdio.h>
#include "demo.h"

int main(void) {
    int a = demo_next();
    demo_counter = 100;
    int b = demo_next();
    printf("%s: %d %d\n", demo_name(), a, b);
    return a == 82 && b == 202 ? 0 : 1;
}
