/* A large dense switch: GCC emits a jump table in .rodata (absolute .quad entries in
   non-PIC code, .long offsets relative to the table in PIC code). */
#include <stdio.h>
__attribute__((noinline)) static long pick(int k) {
    switch (k) {
    case 0: return 0L * 1;
    case 1: return 856L * 2;
    case 2: return 703L * 3;
    case 3: return 550L * 4;
    case 4: return 397L * 5;
    case 5: return 244L * 1;
    case 6: return 91L * 2;
    case 7: return 947L * 3;
    case 8: return 794L * 4;
    case 9: return 641L * 5;
    case 10: return 488L * 1;
    case 11: return 335L * 2;
    case 12: return 182L * 3;
    case 13: return 29L * 4;
    case 14: return 885L * 5;
    case 15: return 732L * 1;
    case 16: return 579L * 2;
    case 17: return 426L * 3;
    case 18: return 273L * 4;
    case 19: return 120L * 5;
    case 20: return 976L * 1;
    case 21: return 823L * 2;
    case 22: return 670L * 3;
    case 23: return 517L * 4;
    case 24: return 364L * 5;
    case 25: return 211L * 1;
    case 26: return 58L * 2;
    case 27: return 914L * 3;
    case 28: return 761L * 4;
    case 29: return 608L * 5;
    case 30: return 455L * 1;
    case 31: return 302L * 2;
    case 32: return 149L * 3;
    case 33: return 1005L * 4;
    case 34: return 852L * 5;
    case 35: return 699L * 1;
    case 36: return 546L * 2;
    case 37: return 393L * 3;
    case 38: return 240L * 4;
    case 39: return 87L * 5;
    case 40: return 943L * 1;
    case 41: return 790L * 2;
    case 42: return 637L * 3;
    case 43: return 484L * 4;
    case 44: return 331L * 5;
    case 45: return 178L * 1;
    case 46: return 25L * 2;
    case 47: return 881L * 3;
    case 48: return 728L * 4;
    case 49: return 575L * 5;
    case 50: return 422L * 1;
    case 51: return 269L * 2;
    case 52: return 116L * 3;
    case 53: return 972L * 4;
    case 54: return 819L * 5;
    case 55: return 666L * 1;
    case 56: return 513L * 2;
    case 57: return 360L * 3;
    case 58: return 207L * 4;
    case 59: return 54L * 5;
    case 60: return 910L * 1;
    case 61: return 757L * 2;
    case 62: return 604L * 3;
    case 63: return 451L * 4;
    default: return -1;
    }
}
__attribute__((noinline)) static const char *name(int k) {
    switch (k) {
    case 0: return "n0";
    case 3: return "n3";
    case 6: return "n6";
    case 9: return "n9";
    case 12: return "n12";
    case 15: return "n15";
    case 18: return "n18";
    case 21: return "n21";
    case 24: return "n24";
    case 27: return "n27";
    case 30: return "n30";
    case 33: return "n33";
    case 36: return "n36";
    case 39: return "n39";
    case 42: return "n42";
    case 45: return "n45";
    case 48: return "n48";
    case 51: return "n51";
    case 54: return "n54";
    case 57: return "n57";
    default: return "other";
    }
}
int main(void) {
    long sum = 0, weighted = 0;
    for (int k = -2; k < 70; k++) {
        long v = pick(k);
        sum += v;
        weighted += v * (k + 3);
    }
    printf("switch sum=%ld weighted=%ld pick(33)=%ld names: %s %s %s\n", sum, weighted, pick(33),
           name(0), name(57), name(58));
    int ok = sum == 96459L && weighted == 3321133L;
    printf("%s\n", ok ? "switch ok" : "switch WRONG");
    return ok ? 0 : 1;
}
