/* A 64 MiB .bss array and page-aligned .bss/.data objects. */
#include <stdint.h>
#include <stdio.h>

#define BIG (64u << 20)
static char big[BIG];
char page_bss[4096] __attribute__((aligned(4096)));
int page_data[16] __attribute__((aligned(4096))) = {1, 2, 3};
static char after_page_data = 'z';
char second_page_bss[100] __attribute__((aligned(4096)));
const char page_rodata[64] __attribute__((aligned(4096))) = "page aligned rodata";

int main(void) {
    int zero = big[0] == 0 && big[BIG / 2] == 0 && big[BIG - 1] == 0 && page_bss[4095] == 0 &&
               second_page_bss[99] == 0;
    for (uint32_t i = 0; i < BIG; i += 4096)
        zero = zero && big[i] == 0;
    big[0] = 1;
    big[BIG - 1] = 2;
    page_bss[0] = 3;
    page_bss[4095] = 4;
    int aligned = (uintptr_t)page_bss % 4096 == 0 && (uintptr_t)page_data % 4096 == 0 &&
                  (uintptr_t)second_page_bss % 4096 == 0 && (uintptr_t)page_rodata % 4096 == 0;
    int values = big[0] + big[BIG - 1] + page_bss[0] + page_bss[4095] + page_data[2];
    printf("bss zero=%d aligned=%d values=%d data=%d,%d,%d %c %s\n", zero, aligned, values,
           page_data[0], page_data[1], page_data[15], after_page_data, page_rodata);
    int ok = zero && aligned && values == 13 && after_page_data == 'z';
    printf("%s\n", ok ? "bss ok" : "bss WRONG");
    return ok ? 0 : 1;
}
