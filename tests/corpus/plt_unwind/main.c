/* Unwind information for the PLT: a canonical PLT entry (the address of a library function taken
 * in non-PIC code) must be covered by an FDE, so that an unwinder that stops there (a profiler, a
 * signal handler's backtrace) can go on. _Unwind_Find_FDE is libgcc's lookup, the one the C++
 * unwinder and backtrace() use. In PIE modes the address is the library's own function. */
#include <stdio.h>
#include <string.h>

struct dwarf_eh_bases {
    void *tbase;
    void *dbase;
    void *func;
};
extern const void *_Unwind_Find_FDE(void *pc, struct dwarf_eh_bases *bases);

__attribute__((noinline)) size_t (*get_strlen(void))(const char *) { return strlen; }
__attribute__((noinline)) int (*get_puts(void))(const char *) { return puts; }

static void probe(const char *what, void *fn) {
    struct dwarf_eh_bases b;
    const void *fde = _Unwind_Find_FDE((char *)fn + 1, &b);
    printf("%s: FDE %s", what, fde ? "found" : "missing");
    if (fde)
        printf(", starting at or before it: %s", (char *)b.func <= (char *)fn ? "yes" : "no");
    printf("\n");
}

int main(void) {
    probe("strlen", (void *)get_strlen());
    probe("puts", (void *)get_puts());
    printf("%zu\n", get_strlen()("four"));
    get_puts()("done");
    return 0;
}
