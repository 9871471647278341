/* An archive member that defines a name only under a default version (`foo@@VERS_1`, made with
   `.symver`): the archive's symbol index lists `foo@@VERS_1`, and a reference to plain `foo`
   must still pull the member, as with GNU ld. */
#include <stdio.h>
int versioned(void);
int main(void) {
    int v = versioned();
    printf("versioned()=%d\n", v);
    return v == 42 ? 0 : 1;
}
