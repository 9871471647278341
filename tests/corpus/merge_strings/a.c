/* Identical string literals in different objects land in SHF_MERGE|SHF_STRINGS sections, which
   the linker deduplicates. */
const char *a_str(void) { return "a merged string literal"; }
const char *a_other(void) { return "only in a"; }
const char *a_fmt(void) { return "shared %d\n"; }
