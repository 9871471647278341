/* one link in a chain of 12 objects */
int f3(int);
int counter_2;
int f2(int x) {
    counter_2++;
    return f3(x * 3 + 2) + 2;
}
