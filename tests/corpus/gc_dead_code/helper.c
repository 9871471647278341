extern int another_missing_symbol(void);

const char *helper_name(void) { return "helper"; }

/* Dead, and referring to something missing too. */
int helper_dead(void) { return another_missing_symbol(); }
