/* The library defines hook() and calls it through its PLT; the executable's own hook() must
   interpose (the linker exports it because a shared library defines the same name). */
int hook(void) { return 1; }
int lib_calls_hook(void) { return hook(); }
int lib_only(void) { return 7; }
