/* one link in a chain of 12 objects */
int f10(int);
int counter_9;
int f9(int x) {
    counter_9++;
    return f10(x * 3 + 9) + 9;
}
