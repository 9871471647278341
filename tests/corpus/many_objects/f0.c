/* one link in a chain of 12 objects */
int f1(int);
int counter_0;
int f0(int x) {
    counter_0++;
    return f1(x * 3 + 0) + 0;
}
