int real_fn(int x) { return x + 1000; }
int real_data[4] = {4, 3, 2, 1};
