/* libc data used directly by the program: environ, stdout, stderr, optind/optarg. In non-PIE
   programs these are copy relocations; statically they are plain definitions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv) {
    int n = 0, has_path = 0;
    for (char **e = environ; *e; e++, n++)
        has_path += !strncmp(*e, "PATH=", 5);
    setenv("ADDED_BY_PROGRAM", "1", 1);
    int found = 0;
    for (char **e = environ; *e; e++)
        found += !strcmp(*e, "ADDED_BY_PROGRAM=1");
    int opt, seen_a = 0;
    const char *bval = "";
    while ((opt = getopt(argc, argv, "ab:")) != -1) {
        if (opt == 'a')
            seen_a = 1;
        else if (opt == 'b')
            bval = optarg;
    }
    fprintf(stdout, "env has PATH=%d sees setenv=%d getopt a=%d b=%s optind=%d rest=%s\n", has_path,
            found, seen_a, bval, optind, optind < argc ? argv[optind] : "-");
    fprintf(stderr, "stderr works\n");
    fflush(stdout);
    setvbuf(stdout, NULL, _IONBF, 0);
    printf("unbuffered stdout\n");
    int ok = has_path == 1 && found == 1 && seen_a && !strcmp(bval, "xyz") && optind == 4;
    printf("%s\n", ok ? "libc data ok" : "libc data WRONG");
    return ok ? 0 : 1;
}
