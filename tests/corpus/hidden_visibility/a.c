/* Hidden and protected symbols used across objects. With -fPIC these are reached PC-relatively
   (no GOT), and hidden ones must not be exported. */
__attribute__((visibility("hidden"))) int hidden_counter = 3;
__attribute__((visibility("hidden"))) int hidden_fn(int x) { return x * hidden_counter; }
__attribute__((visibility("protected"))) int protected_var = 11;
__attribute__((visibility("protected"))) int protected_fn(void) { return protected_var; }
__attribute__((visibility("hidden"))) const char hidden_str[] = "hidden string";
__attribute__((visibility("hidden"))) int (*hidden_fp)(int) = hidden_fn;
