/* Loaded at run time. It calls back into the executable (exported with -rdynamic) and has its
   own constructor and destructor. */
#include <stdio.h>
int host_value(void);
extern int host_data;
int plugin_data = 77;
int plugin_fn(int x) { return x + host_value() + host_data; }
__attribute__((constructor)) static void plugin_init(void) { printf("plugin constructor\n"); }
__attribute__((destructor)) static void plugin_fini(void) { printf("plugin destructor\n"); }
