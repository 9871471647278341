/* one link in a chain of 12 objects */
int f8(int);
int counter_7;
int f7(int x) {
    counter_7++;
    return f8(x * 3 + 7) + 7;
}
