/* one link in a chain of 12 objects */
int f7(int);
int counter_6;
int f6(int x) {
    counter_6++;
    return f7(x * 3 + 6) + 6;
}
