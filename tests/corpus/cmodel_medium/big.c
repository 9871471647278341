/* -mcmodel=medium: objects above the threshold go to .ldata/.lbss/.lrodata (SHF_X86_64_LARGE)
   and are addressed with 64-bit relocations. */
long large_data[1024] = {1, 2, 3};
long large_bss[4096];
const long large_ro[512] = {7, 8, 9};
int small_data = 5;
