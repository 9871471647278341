#include <stdio.h>
extern int a_data, a_sub[4];
extern const int a_ro;
int a_fn(int);
__attribute__((section(".mydata"))) int m_data = 50;
__attribute__((section(".mytext"), noinline)) static int m_fn(int x) { return x * 2; }
/* zero-initialised, yet PROGBITS: only section names starting with .bss are NOBITS */
__attribute__((section(".mybss"))) static int m_bss[16];
__attribute__((section(".bss.custom"))) static int m_nobits[1000];

int main(void) {
    a_data += 1;
    m_bss[15] = 9;
    m_nobits[999] = m_nobits[0] + 1;
    int r = a_fn(m_fn(10)) + m_data + a_sub[3] + m_bss[15] + m_bss[0] + m_nobits[999];
    printf("custom sections: a_fn=%d total=%d ro=%d\n", a_fn(0), r, a_ro);
    int ok = a_fn(0) == 12 && r == 32 + 50 + 4 + 9 + 1;
    printf("%s\n", ok ? "sections ok" : "sections WRONG");
    return ok ? 0 : 1;
}
