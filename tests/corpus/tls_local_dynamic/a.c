/* Several static __thread variables in one object: local-dynamic computes the module base once
   (__tls_get_addr with DTPMOD) and adds DTPOFF offsets. */
static __thread int a1 = 1;
static __thread int a2 = 2;
static __thread long a3[4] = {3, 3, 3, 3};
static __thread int a4;

int a_sum(void) {
    a4 += 4;
    return a1 + a2 + (int)(a3[0] + a3[3]) + a4;
}
void a_bump(void) {
    a1 += 10;
    a2 += 20;
    a3[3] += 30;
}
