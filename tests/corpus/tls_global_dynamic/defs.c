/* With -fPIC, every global __thread access is general-dynamic (__tls_get_addr); the linker
   relaxes it to initial-exec or local-exec in an executable. */
__thread int gd_var = 7;
__thread char gd_name[16] = "thread-local";
__thread double gd_zero;

int *gd_addr(void) { return &gd_var; }
