/* --allow-multiple-definition (-z muldefs): two strong definitions of the same function and the
 * same variable link, and the first one on the command line wins (this file comes first). */
int which(void) { return 1; }
int shared_value = 100;
