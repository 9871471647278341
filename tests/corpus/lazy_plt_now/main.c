/* lazy_plt again, linked -z now: every PLT slot is bound at start-up (BIND_NOW). */
/* -fno-builtin keeps GCC from expanding the libc calls inline. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_int(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

int main(int argc, char **argv) {
    (void)argc;
    char buf[128];
    const char *word = argv[0]; /* "prog" */
    int fails = 0;
#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            printf("FAILED: %s\n", #cond);                                                         \
            fails++;                                                                               \
        }                                                                                          \
    } while (0)
    CHECK(strlen(word) == 4);
    CHECK(strcmp(word, "prog") == 0);
    CHECK(strncmp(word, "pro", 3) == 0);
    CHECK(strchr(word, 'o') == word + 2);
    CHECK(strrchr("a/b/c", '/') != NULL);
    CHECK(strstr("haystack", "st") != NULL);
    CHECK(strspn("aaab", "a") == 3);
    CHECK(strcspn("abc;d", ";") == 3);
    CHECK(strtol("-123", NULL, 10) == -123);
    CHECK(strtoul("ff", NULL, 16) == 255);
    CHECK(atoi("77") == 77);
    CHECK(atol("88") == 88);
    CHECK(abs(-5) == 5);
    CHECK(labs(-6L) == 6);
    CHECK(toupper('q') == 'Q');
    CHECK(isdigit('7'));
    CHECK(isalpha('z'));
    memset(buf, 'x', 10);
    buf[10] = 0;
    CHECK(memcmp(buf, "xxxxxxxxxx", 10) == 0);
    strcpy(buf, "abc");
    strcat(buf, "def");
    CHECK(strcmp(buf, "abcdef") == 0);
    strncpy(buf, "zz", 2);
    CHECK(buf[0] == 'z');
    memmove(buf + 1, buf, 3);
    CHECK(memchr(buf, 'z', 6) == buf);
    snprintf(buf, sizeof buf, "%d-%s-%.2f", 42, "x", 1.5);
    CHECK(strcmp(buf, "42-x-1.50") == 0);
    int a = 0, b = 0;
    CHECK(sscanf("3 4", "%d %d", &a, &b) == 2 && a + b == 7);
    CHECK(strtod("2.5", NULL) == 2.5);
    CHECK(atof("0.25") == 0.25);
    div_t d = div(17, 5);
    CHECK(d.quot == 3 && d.rem == 2);
    int arr[] = {5, 3, 9, 1};
    qsort(arr, 4, sizeof arr[0], cmp_int);
    int key = 9;
    CHECK(bsearch(&key, arr, 4, sizeof arr[0], cmp_int) == &arr[3]);
    char *p = malloc(16);
    p = realloc(p, 64);
    char *q = calloc(4, 4);
    CHECK(p != NULL && q != NULL && q[15] == 0);
    char *dup = strdup("dup");
    CHECK(strcmp(dup, "dup") == 0);
    free(dup);
    free(q);
    free(p);
    CHECK(getenv("PATH") != NULL);
    puts("puts works");
    fputs("fputs works\n", stdout);
    putchar('!');
    putchar('\n');
    printf("lazy plt: %d failures\n", fails);
    return fails ? 1 : 0;
}
