#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern int so_counter, so_alias;
extern const char so_text[];
extern int so_array[64];
int so_get(void);
int *so_addr(void), *so_alias_addr(void);
int so_array_sum(void);
const char *so_text_addr(void);
extern char **environ;

int main(void) {
    int initial = so_counter;
    so_counter = 20;
    int seen1 = so_get();
    so_alias += 5; /* the alias names the same object: one copy, one address */
    int seen2 = so_get();
    so_array[63] = 100;
    int same = so_addr() == &so_counter && so_alias_addr() == &so_alias && &so_alias == &so_counter;
    int text_same = so_text_addr() == so_text && !strcmp(so_text, "copied from the library");
    /* environ and stdout/stderr are copy-relocated out of libc in non-PIE programs */
    setenv("COPY_RELOC_TEST", "yes", 1);
    int found = 0;
    for (char **e = environ; *e; e++)
        found += !strcmp(*e, "COPY_RELOC_TEST=yes");
    fprintf(stdout, "initial=%d after write=%d after alias write=%d sum=%d\n", initial, seen1, seen2,
            so_array_sum());
    fprintf(stdout, "same address=%d text=%d environ sees setenv=%d\n", same, text_same, found);
    fputs("this goes to stderr\n", stderr);
    int ok = initial == 10 && seen1 == 20 && seen2 == 25 && so_array_sum() == 115 && same &&
             text_same && found == 1;
    printf("%s\n", ok ? "copy reloc ok" : "copy reloc WRONG");
    return ok ? 0 : 1;
}
