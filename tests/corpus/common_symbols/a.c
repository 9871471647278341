/* Tentative definitions (COMMON with -fcommon) of different sizes: the linker allocates the
   largest; an initialised definition beats a common one. */
int shared_arr[4];
int neighbour[16];
int initd = 5;
long double ld_common;

int a_read(int i) { return shared_arr[i]; }
