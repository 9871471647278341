/* one link in a chain of 12 objects */
int f4(int);
int counter_3;
int f3(int x) {
    counter_3++;
    return f4(x * 3 + 3) + 3;
}
