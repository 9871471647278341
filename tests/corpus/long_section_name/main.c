/* A section whose name is 65,540 bytes long, more than the 16-bit length a section record keeps
   (a longer name is searched for its end), found through its __start_/__stop_ symbols: a name
   cut short would leave them undefined. */
#include <stdio.h>

#define CAT(a, b) a##b
#define XCAT(a, b) CAT(a, b)
#define STR(x) #x
#define XSTR(x) STR(x)
#define A16 aaaaaaaaaaaaaaaa
#define A32 XCAT(A16, A16)
#define A64 XCAT(A32, A32)
#define A128 XCAT(A64, A64)
#define A256 XCAT(A128, A128)
#define A512 XCAT(A256, A256)
#define A1K XCAT(A512, A512)
#define A2K XCAT(A1K, A1K)
#define A4K XCAT(A2K, A2K)
#define A8K XCAT(A4K, A4K)
#define A16K XCAT(A8K, A8K)
#define A32K XCAT(A16K, A16K)
#define A64K XCAT(A32K, A32K)
#define NAME XCAT(A64K, bbbb)

__attribute__((section(XSTR(NAME)), used)) static const int items[3] = {7, 11, 13};
extern const int XCAT(__start_, NAME)[], XCAT(__stop_, NAME)[];

int main(void) {
    int sum = 0;
    for (const int *p = XCAT(__start_, NAME); p < XCAT(__stop_, NAME); p++)
        sum += *p;
    printf("sum %d\n", sum);
    return sum == 31 ? 0 : 1;
}
