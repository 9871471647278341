/* Symbols the linker defines: __ehdr_start, __executable_start, etext/edata/end and their
   underscore forms (not GNU ld's __etext, which lld and mold lack), __bss_start, the
   init/fini/preinit array bounds, _DYNAMIC. */
#include <elf.h>
#include <stdio.h>
#include <string.h>

extern const Elf64_Ehdr __ehdr_start;
extern char __executable_start[], etext[], _etext[], edata[], _edata[], end[], _end[],
    __bss_start[];
typedef void (*fn)(void);
extern fn __init_array_start[], __init_array_end[], __fini_array_start[], __fini_array_end[],
    __preinit_array_start[], __preinit_array_end[];
extern char _DYNAMIC[] __attribute__((weak));

static int ctor_ran;
static void my_ctor(void) { ctor_ran++; }
static void my_ctor2(void) { ctor_ran++; }
__attribute__((section(".init_array"), used, aligned(8))) static fn init_entry = my_ctor;
__attribute__((section(".init_array"), used, aligned(8))) static fn init_entry2 = my_ctor2;

int data_var = 1;
int bss_var;

int main(void) {
    const unsigned char *id = __ehdr_start.e_ident;
    int magic = !memcmp(id, ELFMAG, SELFMAG) && id[EI_CLASS] == ELFCLASS64 && id[EI_DATA] == ELFDATA2LSB;
    const char *type = __ehdr_start.e_type == ET_DYN ? "ET_DYN" : __ehdr_start.e_type == ET_EXEC ? "ET_EXEC" : "other";
    int machine = __ehdr_start.e_machine == EM_X86_64;
    int exec_start = __executable_start == (const char *)&__ehdr_start;
    int text_order = (char *)main < etext && etext == _etext;
    int data_order = (char *)&data_var < edata && edata == _edata && _edata <= __bss_start;
    int bss_order = __bss_start <= (char *)&bss_var && (char *)&bss_var < _end && end == _end &&
                    _end >= _edata;
    long n_init = __init_array_end - __init_array_start;
    int found = 0;
    for (fn *f = __init_array_start; f < __init_array_end; f++)
        found += *f == my_ctor || *f == my_ctor2;
    long n_fini = __fini_array_end - __fini_array_start;
    long n_preinit = __preinit_array_end - __preinit_array_start;
    printf("ehdr magic=%d type=%s x86-64=%d __executable_start==ehdr:%d\n", magic, type, machine,
           exec_start);
    printf("etext ok=%d edata ok=%d end/bss ok=%d\n", text_order, data_order, bss_order);
    printf("init_array: %ld entries, ours found %d, ran %d; fini_array %ld; preinit %ld\n", n_init,
           found, ctor_ran, n_fini, n_preinit);
    printf("_DYNAMIC defined: %d\n", _DYNAMIC != NULL);
    int ok = magic && machine && text_order && data_order && bss_order && found == 2 &&
             ctor_ran == 2 && n_preinit == 0;
    printf("%s\n", ok ? "linker symbols ok" : "linker symbols WRONG");
    return ok ? 0 : 1;
}
