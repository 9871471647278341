int shared_arr[8];
int neighbour[4];
char small_common;
int c_read(int i) { return shared_arr[i]; }
