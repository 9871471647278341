#include <stdio.h>
#include <stdlib.h>
#include "person.h"

int cmp_int_desc(const void *, const void *);
int cmp_str(const void *, const void *);
int cmp_person(const void *, const void *);

int main(void) {
    int nums[50];
    for (int i = 0; i < 50; i++)
        nums[i] = (i * 37 + 11) % 101;
    qsort(nums, 50, sizeof nums[0], cmp_int_desc);
    const char *words[] = {"pear", "apple", "fig", "banana", "cherry", "date"};
    qsort(words, 6, sizeof words[0], cmp_str);
    struct person people[] = {{"eve", 30}, {"bob", 25}, {"amy", 30}, {"dan", 20}};
    qsort(people, 4, sizeof people[0], cmp_person);
    printf("nums: %d %d %d ... %d\n", nums[0], nums[1], nums[2], nums[49]);
    printf("words:");
    for (int i = 0; i < 6; i++)
        printf(" %s", words[i]);
    printf("\npeople:");
    for (int i = 0; i < 4; i++)
        printf(" %s/%d", people[i].name, people[i].age);
    const char *key = "date";
    const char **found = bsearch(&key, words, 6, sizeof words[0], cmp_str);
    printf("\nbsearch date at %d\n", found ? (int)(found - words) : -1);
    int ok = nums[0] >= nums[49] && found && found - words == 3;
    printf("%s\n", ok ? "qsort ok" : "qsort WRONG");
    return ok ? 0 : 1;
}
