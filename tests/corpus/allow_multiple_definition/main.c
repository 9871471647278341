#include <stdio.h>

int which(void);
int only_here(void);
extern int shared_value;

int main(void) {
    printf("which() = %d\n", which());
    printf("shared_value = %d\n", shared_value);
    /* b_second.c's own call binds to the winning definition too. */
    printf("only_here() = %d\n", only_here());
    return 0;
}
