int util_twice(int x) { return 2 * x; }
const char *util_name(void) { return "util"; }
