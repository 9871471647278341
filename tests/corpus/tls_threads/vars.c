/* .tdata and .tbss in a second object, read and written by several threads. */
__thread int t_init = 1000;
__thread int t_zero;
__thread long t_arr[16] = {1, 1, 1, 1};

int vars_step(int id) {
    t_init += id;
    t_zero += id * 2;
    for (int i = 0; i < 16; i++)
        t_arr[i] += id;
    return t_init;
}
