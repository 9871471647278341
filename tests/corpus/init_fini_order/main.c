#include <stdio.h>
#include <stdlib.h>
static void at_exit_handler(void) { printf("atexit handler\n"); }
int main(void) {
    atexit(at_exit_handler);
    printf("main\n");
    return 0;
}
