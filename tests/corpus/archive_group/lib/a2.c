int a1(int);
int a2(int n) { return n <= 0 ? 0 : 100 + a1(n - 1); }
