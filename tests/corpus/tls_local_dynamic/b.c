static __thread int b1 = 100;
static __thread char b2[8] = "bbbbbbb";
static __thread int b3;

int b_sum(void) {
    b3++;
    return b1 + b2[0] + b3;
}
