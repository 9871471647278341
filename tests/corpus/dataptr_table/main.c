#include <stddef.h>
#include <stdio.h>
#include <string.h>

extern int other_arr[10];
extern const char other_str[];
extern int *const into_middle;

static int a = 1, b = 2;
int *ptrs[] = {&a, &b, &other_arr[3], other_arr + 9};
const char *names[] = {"first", "second", other_str, other_str + 6};
struct node {
    int value;
    struct node *next;
};
static struct node n3 = {3, NULL}, n2 = {2, &n3}, n1 = {1, &n2};
static struct node ring = {42, &ring}; /* points at itself */
static int *minus = &other_arr[4] - 1;   /* negative addend */
static char *char_end = (char *)&other_arr + sizeof other_arr; /* one past the end */
static const size_t off = offsetof(struct node, next);

int main(void) {
    int sum = 0;
    for (int i = 0; i < 4; i++)
        sum += *ptrs[i];
    int list = 0;
    for (struct node *n = &n1; n; n = n->next)
        list = list * 10 + n->value;
    printf("sum=%d list=%d ring=%d middle=%d minus=%d end ok=%d off=%zu\n", sum, list,
           ring.next->next->value, *into_middle, *minus,
           char_end == (char *)&other_arr[10], off);
    printf("names: %s %s %s %s\n", names[0], names[1], names[2], names[3]);
    int ok = sum == 1 + 2 + 30 + 90 && list == 123 && ring.next == &ring && *into_middle == 50 &&
             *minus == 30 && !strcmp(names[3], "object string");
    printf("%s\n", ok ? "data tables ok" : "data tables WRONG");
    return ok ? 0 : 1;
}
