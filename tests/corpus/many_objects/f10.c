/* one link in a chain of 12 objects */
int f11(int);
int counter_10;
int f10(int x) {
    counter_10++;
    return f11(x * 3 + 10) + 10;
}
