/* one link in a chain of 12 objects */
int f2(int);
int counter_1;
int f1(int x) {
    counter_1++;
    return f2(x * 3 + 1) + 1;
}
