/* argv, the environment and stdin, all given by the spec. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

int main(int argc, char **argv, char **envp) {
    printf("argc=%d argv0=%s\n", argc, argv[0]);
    for (int i = 1; i < argc; i++)
        printf("argv[%d]=%s\n", i, argv[i]);
    printf("argv[argc] is NULL: %d\n", argv[argc] == NULL);
    printf("SOLDER_TEST=%s GREETING=%s MISSING=%s\n", getenv("SOLDER_TEST"), getenv("GREETING"),
           getenv("MISSING") ? "set" : "(unset)");
    printf("envp == environ: %d\n", envp == environ);
    char line[256];
    int lines = 0, words = 0;
    while (fgets(line, sizeof line, stdin)) {
        lines++;
        for (char *tok = strtok(line, " \t\n"); tok; tok = strtok(NULL, " \t\n"))
            words++;
    }
    printf("stdin: %d lines, %d words\n", lines, words);
    int ok = argc == 4 && !strcmp(argv[3], "three") && lines == 3 && words == 9;
    printf("%s\n", ok ? "env/argv ok" : "env/argv WRONG");
    return ok ? 0 : 1;
}
