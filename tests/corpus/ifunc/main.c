#include <stdio.h>
#include <string.h>

int add(int);
const char *ifunc_name(void);
void *add_addr_from_impl(void);
int add_from_impl(int);

int (*add_ptr_data)(int) = add; /* address in initialised data */

int main(void) {
    int (*fp)(int) = add;
    int direct = add(1), via_ptr = fp(2), via_data = add_ptr_data(3), other = add_from_impl(4);
    /* GOT-loaded and data addresses must agree. The defining object's own `lea add(%rip)` may
       legitimately give a different (PLT) address in PIE, so that one is only called. */
    int same = (void *)add_ptr_data == (void *)fp;
    int (*impl_ptr)(int) = (int (*)(int))add_addr_from_impl();
    int via_impl_ptr = impl_ptr(5);
    printf("ifunc direct=%d ptr=%d data=%d other=%d impl ptr=%d same address=%d name=%s\n", direct,
           via_ptr, via_data, other, via_impl_ptr, same, ifunc_name());
    int ok = direct == 101 && via_ptr == 102 && via_data == 103 && other == 104 && via_impl_ptr == 105 && same &&
             !strcmp(ifunc_name(), "resolved name");
    printf("%s\n", ok ? "ifunc ok" : "ifunc WRONG");
    return ok ? 0 : 1;
}
