/* main's return value is the exit status (3), after destructors and stdio flushing. */
#include <stdio.h>
__attribute__((destructor)) static void bye(void) { printf("destructor ran\n"); }
int main(void) {
    printf("returning 3\n");
    return 3;
}
