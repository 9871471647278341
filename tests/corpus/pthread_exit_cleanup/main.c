/* pthread_exit unwinds the thread's stack (forced unwinding through .eh_frame, the personality
   routine and .gcc_except_table), running pthread_cleanup_push handlers and cleanup attributes
   in -fexceptions code. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static char log_buf[512];
static int log_len;
static void note(const char *s) {
    log_len += snprintf(log_buf + log_len, sizeof log_buf - log_len, "%s;", s);
}
static void handler(void *arg) { note((const char *)arg); }
static void cleanup_local(int *p) {
    char tmp[32];
    snprintf(tmp, sizeof tmp, "local%d", *p);
    note(tmp);
}

__attribute__((noinline)) static void deep(int d) {
    int marker __attribute__((cleanup(cleanup_local))) = d;
    if (d == 0)
        pthread_exit((void *)42);
    deep(d - 1);
    __asm__ volatile("");
}

static void *thread_fn(void *arg) {
    (void)arg;
    pthread_cleanup_push(handler, "outer");
    pthread_cleanup_push(handler, "inner");
    deep(3);
    pthread_cleanup_pop(0);
    pthread_cleanup_pop(0);
    return NULL;
}

int main(void) {
    pthread_t t;
    void *ret = NULL;
    pthread_create(&t, NULL, thread_fn, NULL);
    pthread_join(t, &ret);
    printf("thread returned %ld, cleanups: %s\n", (long)ret, log_buf);
    int ok = (long)ret == 42 && !strcmp(log_buf, "local0;local1;local2;local3;inner;outer;");
    printf("%s\n", ok ? "pthread_exit ok" : "pthread_exit WRONG");
    return ok ? 0 : 1;
}
