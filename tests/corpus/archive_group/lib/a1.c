int b1(int);
int a1(int n) { return n <= 0 ? 0 : 1 + b1(n - 1); }
