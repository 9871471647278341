/* Over-aligned TLS and mixed sizes: the TLS segment's alignment must make every thread's block
   aligned, and .tbss must follow .tdata without overlapping it. */
__thread char a_c = 'a';
__thread double a_d __attribute__((aligned(64))) = 2.5;
__thread int a_arr[3] = {1, 2, 3};
__thread char a_big_bss[100] __attribute__((aligned(64)));
__thread short a_s_bss;
