const char *b_str(void) { return "a merged string literal"; }
const char *b_other(void) { return "only in b"; }
const char *b_fmt(void) { return "shared %d\n"; }
