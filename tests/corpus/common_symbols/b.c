int shared_arr[16];
int initd;
char small_common;

void b_fill(void) {
    for (int i = 0; i < 16; i++)
        shared_arr[i] = i * i;
}
