/* one link in a chain of 12 objects */
int f5(int);
int counter_4;
int f4(int x) {
    counter_4++;
    return f5(x * 3 + 4) + 4;
}
