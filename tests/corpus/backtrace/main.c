/* backtrace() and _Unwind_Backtrace find FDEs through PT_GNU_EH_FRAME (.eh_frame_hdr). The
   number of frames added by 20 known calls must be exactly 20. */
#include <execinfo.h>
#include <stdio.h>
#include <unwind.h>

int level_a(int d, int which);

__attribute__((noinline)) int level_b(int d, int which) {
    int r = level_a(d, which);
    __asm__ volatile("" : "+r"(r));
    return r;
}

static _Unwind_Reason_Code count_cb(struct _Unwind_Context *ctx, void *arg) {
    (void)ctx;
    ++*(int *)arg;
    return _URC_NO_REASON;
}

__attribute__((noinline)) int count_frames(int which) {
    int n = 0;
    if (which == 0) {
        void *buf[256];
        n = backtrace(buf, 256);
    } else {
        _Unwind_Backtrace(count_cb, &n);
    }
    __asm__ volatile("" : "+r"(n));
    return n;
}

int main(void) {
    int ok = 1;
    for (int which = 0; which < 2; which++) {
        const char *how = which ? "_Unwind_Backtrace" : "backtrace";
        int base = level_b(0, which);  /* level_b, level_a, count_frames, main, ... */
        int deep = level_b(10, which); /* 20 more: 10 x (level_b, level_a) */
        printf("%s: extra frames for depth 10 = %d (want 20), base has at least main: %d\n", how,
               deep - base, base >= 4);
        ok = ok && deep - base == 20 && base >= 4;
    }
    printf("%s\n", ok ? "backtrace ok" : "backtrace WRONG");
    return ok ? 0 : 1;
}
