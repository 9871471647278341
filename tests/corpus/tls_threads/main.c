#include <pthread.h>
#include <stdio.h>

extern __thread int t_init;
extern __thread int t_zero;
extern __thread long t_arr[16];
static __thread int local_tls = 7;
int vars_step(int id);

#define N 4
static long result[N];

static void *worker(void *arg) {
    int id = (int)(long)arg;
    int fresh = t_init == 1000 && t_zero == 0 && t_arr[0] == 1 && t_arr[5] == 0 && local_tls == 7;
    for (int r = 0; r < 100; r++)
        vars_step(id);
    local_tls += id;
    result[id] = fresh ? t_init + t_zero + t_arr[0] + t_arr[15] + local_tls : -1;
    return NULL;
}

int main(void) {
    pthread_t th[N];
    vars_step(50);
    for (long i = 0; i < N; i++)
        pthread_create(&th[i], NULL, worker, (void *)i);
    for (int i = 0; i < N; i++)
        pthread_join(th[i], NULL);
    int ok = 1;
    for (int i = 0; i < N; i++) {
        long expect = 1000 + 100 * i + 200 * i + 1 + 100 * i + 100 * i + 7 + i;
        printf("thread %d: %ld\n", i, result[i]);
        if (result[i] != expect)
            ok = 0;
    }
    printf("main: t_init=%d t_zero=%d\n", t_init, t_zero);
    ok = ok && t_init == 1050 && t_zero == 100;
    printf("%s\n", ok ? "tls threads ok" : "tls threads WRONG");
    return ok ? 0 : 1;
}
