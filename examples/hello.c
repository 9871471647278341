/* The bundled example: a little of everything a real C program leans on — libc calls through
 * the PLT, a thread-local counter, a constructor, merged strings and a copy-relocated stdout. */
#include <stdio.h>
#include <string.h>

static __thread int calls;
static const char *greeting;

__attribute__((constructor)) static void init(void) { greeting = "Hello from a solder-linked program"; }

static void say(const char *what) {
    calls++;
    printf("%s: %s (%zu bytes)\n", greeting, what, strlen(what));
}

int main(void) {
    say("linked");
    say("and running");
    printf("%d calls\n", calls);
    return calls == 2 ? 0 : 1;
}
