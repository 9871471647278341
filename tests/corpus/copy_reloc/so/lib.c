/* Data the executable references directly: non-PIC (and GCC's -fPIE) code gets a copy
   relocation, and the library's own accesses must be bound to the executable's copy. */
int so_counter = 10;
/* A weak alias at the same address, like libc's environ/__environ: the linker must move both
   names to the executable's copy. */
extern int so_alias __attribute__((weak, alias("so_counter")));
const char so_text[] = "copied from the library";
int so_array[64] = {1, 2, 3, 4, 5};

int so_get(void) { return so_counter; }
int *so_addr(void) { return &so_counter; }
int *so_alias_addr(void) { return &so_alias; }
int so_array_sum(void) {
    int s = 0;
    for (int i = 0; i < 64; i++)
        s += so_array[i];
    return s;
}
const char *so_text_addr(void) { return so_text; }
