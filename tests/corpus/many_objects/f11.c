/* one link in a chain of 12 objects */

int counter_11;
int f11(int x) {
    counter_11++;
    return x + 11;
}
