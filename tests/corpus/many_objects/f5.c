/* one link in a chain of 12 objects */
int f6(int);
int counter_5;
int f5(int x) {
    counter_5++;
    return f6(x * 3 + 5) + 5;
}
