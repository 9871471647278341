/* getauxval and dl_iterate_phdr, printing only facts that do not depend on layout or on a
   linker's optional choices (PT_GNU_EH_FRAME and PT_GNU_RELRO are checked by behaviour in the
   backtrace and relro cases instead: mold, for one, always emits .eh_frame_hdr). */
#define _GNU_SOURCE
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/auxv.h>

__thread int tls_marker = 5;
__thread char tls_bss[100];
extern char _start[];
int main(void);

struct facts {
    int seen, name_empty, phdr_is_auxv, phnum_is_auxv, main_in_exec_load, rw_load, tls, tls_size_ok,
        stack_noexec, dynamic, interp;
};

static int cb(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    struct facts *f = data;
    if (f->seen++)
        return 0; /* the main program comes first */
    f->name_empty = info->dlpi_name[0] == 0;
    f->phdr_is_auxv = (uintptr_t)info->dlpi_phdr == getauxval(AT_PHDR);
    f->phnum_is_auxv = info->dlpi_phnum == getauxval(AT_PHNUM);
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *p = &info->dlpi_phdr[i];
        uintptr_t lo = info->dlpi_addr + p->p_vaddr, hi = lo + p->p_memsz;
        switch (p->p_type) {
        case PT_LOAD:
            if ((uintptr_t)main >= lo && (uintptr_t)main < hi && (p->p_flags & PF_X) &&
                !(p->p_flags & PF_W))
                f->main_in_exec_load = 1;
            if ((p->p_flags & PF_W) && !(p->p_flags & PF_X))
                f->rw_load = 1;
            break;
        case PT_TLS:
            f->tls = 1;
            f->tls_size_ok = p->p_memsz >= sizeof(int) + 100 && p->p_filesz >= sizeof(int) &&
                             p->p_filesz <= p->p_memsz;
            break;
        case PT_GNU_STACK: f->stack_noexec = !(p->p_flags & PF_X); break;
        case PT_DYNAMIC: f->dynamic = 1; break;
        case PT_INTERP: f->interp = 1; break;
        }
    }
    return 0;
}

int main(void) {
    struct facts f = {0};
    dl_iterate_phdr(cb, &f);
    printf("pagesz=%lu entry is _start=%d\n", getauxval(AT_PAGESZ),
           getauxval(AT_ENTRY) == (uintptr_t)_start);
    printf("main object: unnamed=%d phdr=auxv:%d phnum=auxv:%d\n", f.name_empty, f.phdr_is_auxv,
           f.phnum_is_auxv);
    printf("main in r-x PT_LOAD=%d rw PT_LOAD=%d PT_TLS=%d (size ok %d) noexec stack=%d\n",
           f.main_in_exec_load, f.rw_load, f.tls, f.tls_size_ok, f.stack_noexec);
    printf("PT_DYNAMIC=%d PT_INTERP=%d tls=%d\n", f.dynamic, f.interp, tls_marker + tls_bss[99]);
    int ok = f.name_empty && f.phdr_is_auxv && f.phnum_is_auxv && f.main_in_exec_load && f.rw_load &&
             f.tls && f.tls_size_ok && f.stack_noexec;
    printf("%s\n", ok ? "phdr ok" : "phdr WRONG");
    return ok ? 0 : 1;
}
