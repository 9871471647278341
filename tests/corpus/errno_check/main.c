/* errno is thread-local inside libc (__errno_location): set by failing calls, separate per
   thread, and strerror texts in the C locale. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *thread_fn(void *arg) {
    errno = 0;
    close(-1);
    *(int *)arg = errno;
    return NULL;
}

int main(void) {
    errno = 0;
    long v = strtol("99999999999999999999999", NULL, 10);
    int e1 = errno;
    errno = 0;
    int fd = open("/nonexistent/solder/path", O_RDONLY);
    int e2 = errno;
    int e_thread = 0;
    pthread_t t;
    errno = 12345;
    pthread_create(&t, NULL, thread_fn, &e_thread);
    pthread_join(t, NULL);
    int e_main_kept = errno == 12345;
    printf("strtol overflow: %s (%s)\n", v == LONG_MAX && e1 == ERANGE ? "ERANGE" : "?", strerror(e1));
    printf("open: fd=%d %s (%s)\n", fd, e2 == ENOENT ? "ENOENT" : "?", strerror(e2));
    printf("thread close(-1): %s, main errno kept: %d\n", e_thread == EBADF ? "EBADF" : "?",
           e_main_kept);
    int ok = e1 == ERANGE && fd == -1 && e2 == ENOENT && e_thread == EBADF && e_main_kept;
    printf("%s\n", ok ? "errno ok" : "errno WRONG");
    return ok ? 0 : 1;
}
