/* Data and code in custom dotted sections, which the linker places as orphans. */
__attribute__((section(".mydata"))) int a_data = 5;
__attribute__((section(".myrodata"))) const int a_ro = 6;
__attribute__((section(".mytext"))) int a_fn(int x) { return x + a_data + a_ro; }
__attribute__((section(".mydata.sub"))) int a_sub[4] = {1, 2, 3, 4};
