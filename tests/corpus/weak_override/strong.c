int value = 2;
const char *name(void) { return "strong name"; }
