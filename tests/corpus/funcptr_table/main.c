#include <stdio.h>
#include <string.h>

int op_add(int, int), op_sub(int, int), op_mul(int, int);
extern int (*const exported_ops[])(int, int);

struct command {
    const char *name;
    int (*fn)(int, int);
};
static const struct command commands[] = {{"add", op_add}, {"sub", op_sub}, {"mul", op_mul}};
static int (*mutable_table[3])(int, int) = {op_mul, op_add, op_sub};
static int (*const *const table_of_tables[])(int, int) = {exported_ops, mutable_table};
static int square(int a, int b) { return a * a + b * 0; }

int main(void) {
    int total = 0;
    for (unsigned i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        int r = commands[i].fn(12, 4);
        printf("%s(12,4)=%d\n", commands[i].name, r);
        total += r;
    }
    for (int i = 0; i < 4; i++)
        total += exported_ops[i](20, 5);
    mutable_table[2] = square;
    for (int i = 0; i < 3; i++)
        total += mutable_table[i](3, 2);
    total += table_of_tables[0][3](100, 10) + table_of_tables[1][2](5, 0);
    int same = commands[0].fn == exported_ops[0] && table_of_tables[1] == mutable_table;
    printf("total=%d same=%d\n", total, same);
    int ok = total == 16 + 8 + 48 + 25 + 15 + 100 + 4 + 6 + 5 + 9 + 10 + 25 && same;
    printf("%s\n", ok ? "function tables ok" : "function tables WRONG");
    return ok ? 0 : 1;
}
