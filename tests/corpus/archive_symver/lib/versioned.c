/* The only global definition of `versioned` is the default-version one. */
int versioned_impl(void) { return 42; }
__asm__(".symver versioned_impl, versioned@@VERS_1");
