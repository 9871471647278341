#include <stdio.h>
__attribute__((constructor(150))) static void m_c150(void) { printf("ctor main 150\n"); }
__attribute__((constructor)) static void m_plain(void) { printf("ctor main plain\n"); }
__attribute__((destructor(150))) static void m_d150(void) { printf("dtor main 150\n"); }
int main(void) {
    printf("main\n");
    return 0;
}
