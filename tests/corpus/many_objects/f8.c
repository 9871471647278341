/* one link in a chain of 12 objects */
int f9(int);
int counter_8;
int f8(int x) {
    counter_8++;
    return f9(x * 3 + 8) + 8;
}
