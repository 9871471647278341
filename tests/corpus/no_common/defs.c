/* With -fno-common, uninitialised globals are ordinary .bss definitions. */
int nc_int;
long nc_arr[32];
char nc_buf[100];
double nc_d;
