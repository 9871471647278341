#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "items.h"

extern const struct item __start_my_items[], __stop_my_items[];
ITEM(main_item, "main", 100);

static int by_name(const void *a, const void *b) {
    return strcmp((*(const struct item *const *)a)->name, (*(const struct item *const *)b)->name);
}

int main(void) {
    const struct item *list[32];
    int n = 0, sum = 0;
    for (const struct item *it = __start_my_items; it < __stop_my_items && n < 32; it++) {
        list[n++] = it;
        sum += it->value;
    }
    /* order within the section is layout; print sorted */
    qsort(list, n, sizeof list[0], by_name);
    printf("%d items, sum %d:", n, sum);
    for (int i = 0; i < n; i++)
        printf(" %s", list[i]->name);
    printf("\n");
    int ok = n == 7 && sum == 109;
    printf("%s\n", ok ? "start/stop ok" : "start/stop WRONG");
    return ok ? 0 : 1;
}
