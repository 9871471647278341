/* The second definitions, which the first ones override. */
int which(void) { return 2; }
int shared_value = 200;
int only_here(void) { return which() * 10; }
