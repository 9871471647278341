/* __start_/__stop_ referenced only from an archive member that resolution pulls in, by a program
   whose own objects never name them; a member left out names them too, and its entry must not
   appear. */
#include <stdio.h>
#include "reg.h"
int walk_regs(void);
int extra_used(void);
REG(main_reg, "main", 3);
int main(void) {
    int w = walk_regs(), e = extra_used();
    printf("walk %d extra %d\n", w, e);
    int ok = w == 2302 && e == 7;
    printf("%s\n", ok ? "start/stop archive ok" : "start/stop archive WRONG");
    return ok ? 0 : 1;
}
