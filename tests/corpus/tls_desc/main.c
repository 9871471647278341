#include <stdio.h>

extern __thread int desc_gd __attribute__((tls_model("global-dynamic")));
extern __thread long desc_gd_arr[3] __attribute__((tls_model("global-dynamic")));
/* Local-dynamic form: _TLS_MODULE_BASE_ through a descriptor, plus DTPOFF offsets. */
static __thread int desc_ld1 __attribute__((tls_model("local-dynamic"))) = 5;
static __thread int desc_ld2 __attribute__((tls_model("local-dynamic")));
static __thread char desc_ld3[20] __attribute__((tls_model("local-dynamic"))) = "descriptor";

__attribute__((noinline)) static int local_part(void) {
    desc_ld1 *= 2;
    desc_ld2 += 3;
    desc_ld3[0] = 'D';
    return desc_ld1 + desc_ld2;
}

__attribute__((noinline)) static long global_part(void) {
    desc_gd += 1;
    desc_gd_arr[2] *= 10;
    return desc_gd + desc_gd_arr[0] + desc_gd_arr[2];
}

int main(void) {
    int l = local_part();
    long g = global_part();
    printf("tlsdesc local=%d global=%ld str=%s\n", l, g, desc_ld3);
    int ok = l == 13 && g == 43;
    printf("%s\n", ok ? "tls desc ok" : "tls desc WRONG");
    return ok ? 0 : 1;
}
