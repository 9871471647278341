#include <pthread.h>
#include <stdio.h>

extern __thread int so_tls;
extern __thread int so_tbss;
int so_get(void);
void so_bump(void);

static void *thr(void *arg) {
    so_tls += 5;
    so_bump();
    *(int *)arg = so_get();
    return NULL;
}

int main(void) {
    int start = so_tls;
    so_bump();
    so_tls += 1;
    so_tbss += 1;
    int in_main = so_get();
    int in_thread = 0;
    pthread_t t;
    pthread_create(&t, NULL, thr, &in_thread);
    pthread_join(t, NULL);
    printf("shared tls start=%d main=%d thread=%d after=%d\n", start, in_main, in_thread, so_get());
    int ok = start == 100 && in_main == 113 && in_thread == 116 && so_get() == 113;
    printf("%s\n", ok ? "tls shared ok" : "tls shared WRONG");
    return ok ? 0 : 1;
}
