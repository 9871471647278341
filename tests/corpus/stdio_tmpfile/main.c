/* stdio beyond stdout: tmpfile, a file in the working directory, memory streams. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
    FILE *t = tmpfile();
    if (!t)
        return 2;
    for (int i = 0; i < 100; i++)
        fprintf(t, "line %d %s\n", i, i % 2 ? "odd" : "even");
    rewind(t);
    char line[64];
    int lines = 0, odd = 0;
    while (fgets(line, sizeof line, t)) {
        lines++;
        odd += strstr(line, "odd") != NULL;
    }
    fseek(t, 0, SEEK_END);
    long size = ftell(t);
    fclose(t);

    FILE *f = fopen("stdio_test.txt", "w+");
    fputs("12 34 hello\n", f);
    fflush(f);
    fseek(f, 0, SEEK_SET);
    int a, b;
    char word[16];
    int n = fscanf(f, "%d %d %15s", &a, &b, word);
    fclose(f);
    remove("stdio_test.txt");

    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    fprintf(m, "memstream %d", 7);
    fclose(m);
    char src[] = "fmemopen input 99";
    FILE *r = fmemopen(src, strlen(src), "r");
    int v = 0;
    fscanf(r, "fmemopen input %d", &v);
    fclose(r);
    printf("tmpfile lines=%d odd=%d size=%ld; file scanned %d: %d %d %s; %s (%zu); fmemopen %d\n",
           lines, odd, size, n, a, b, word, buf, len, v);
    int ok = lines == 100 && odd == 50 && n == 3 && a + b == 46 && len == 11 && v == 99;
    free(buf);
    printf("%s\n", ok ? "stdio ok" : "stdio WRONG");
    return ok ? 0 : 1;
}
