__thread long long b_ll __attribute__((aligned(32))) = 77;
__thread char b_c = 'b';
__thread long long b_bss __attribute__((aligned(128)));
__thread int b_int_bss;
