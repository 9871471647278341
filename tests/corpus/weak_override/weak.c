/* Weak definitions; strong.c overrides some of them. */
__attribute__((weak)) int value = 1;
__attribute__((weak)) int only_weak = 10;
__attribute__((weak)) const char *name(void) { return "weak name"; }
__attribute__((weak)) const char *kept(void) { return "weak kept"; }

/* Calls from the object holding the weak definitions must reach the strong ones too. */
const char *name_from_weak_object(void) { return name(); }
int value_from_weak_object(void) { return value; }
