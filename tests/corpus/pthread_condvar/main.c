/* Producer/consumer with a mutex and condition variables; the total is deterministic. */
#include <pthread.h>
#include <stdio.h>

#define ITEMS 2000
#define CONSUMERS 3
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER, not_full = PTHREAD_COND_INITIALIZER;
static int queue[8], head, count, done;
static long consumed_sum;
static int consumed_count;

static void *producer(void *arg) {
    (void)arg;
    for (int i = 1; i <= ITEMS; i++) {
        pthread_mutex_lock(&lock);
        while (count == 8)
            pthread_cond_wait(&not_full, &lock);
        queue[(head + count++) % 8] = i;
        pthread_cond_signal(&not_empty);
        pthread_mutex_unlock(&lock);
    }
    pthread_mutex_lock(&lock);
    done = 1;
    pthread_cond_broadcast(&not_empty);
    pthread_mutex_unlock(&lock);
    return NULL;
}

static void *consumer(void *arg) {
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&lock);
        while (count == 0 && !done)
            pthread_cond_wait(&not_empty, &lock);
        if (count == 0 && done) {
            pthread_mutex_unlock(&lock);
            return NULL;
        }
        int v = queue[head];
        head = (head + 1) % 8;
        count--;
        consumed_sum += v;
        consumed_count++;
        pthread_cond_signal(&not_full);
        pthread_mutex_unlock(&lock);
    }
}

int main(void) {
    pthread_t p, c[CONSUMERS];
    pthread_create(&p, NULL, producer, NULL);
    for (int i = 0; i < CONSUMERS; i++)
        pthread_create(&c[i], NULL, consumer, NULL);
    pthread_join(p, NULL);
    for (int i = 0; i < CONSUMERS; i++)
        pthread_join(c[i], NULL);
    printf("consumed %d items, sum %ld\n", consumed_count, consumed_sum);
    int ok = consumed_count == ITEMS && consumed_sum == (long)ITEMS * (ITEMS + 1) / 2;
    printf("%s\n", ok ? "condvar ok" : "condvar WRONG");
    return ok ? 0 : 1;
}
