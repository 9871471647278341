int a2(int);
int b1(int n) { return n <= 0 ? 0 : 10 + a2(n - 1); }
