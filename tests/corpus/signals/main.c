/* Signal handlers: raise, SA_SIGINFO, blocking and pending signals, recovering from SIGSEGV. */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static volatile sig_atomic_t usr1_count, usr2_signo;
static sigjmp_buf segv_env;

static void on_usr1(int sig) {
    (void)sig;
    usr1_count++;
}
static void on_usr2(int sig, siginfo_t *info, void *ctx) {
    (void)sig, (void)ctx;
    usr2_signo = info->si_signo;
}
static void on_segv(int sig) {
    (void)sig;
    siglongjmp(segv_env, 1);
}

int main(void) {
    signal(SIGUSR1, on_usr1);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_usr2;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR2, &sa, NULL);
    raise(SIGUSR1);
    raise(SIGUSR1);
    raise(SIGUSR2);

    sigset_t set, pending;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    raise(SIGUSR1);
    sigpending(&pending);
    int was_pending = sigismember(&pending, SIGUSR1);
    int before_unblock = usr1_count;
    sigprocmask(SIG_UNBLOCK, &set, NULL);

    signal(SIGSEGV, on_segv);
    volatile int recovered = 0;
    if (sigsetjmp(segv_env, 1) == 0) {
        volatile int *bad = (volatile int *)16;
        *bad = 1;
    } else {
        recovered = 1;
    }
    printf("usr1 count=%d usr2 signo ok=%d pending=%d before unblock=%d recovered=%d\n",
           (int)usr1_count, usr2_signo == SIGUSR2, was_pending, before_unblock, recovered);
    int ok = usr1_count == 3 && usr2_signo == SIGUSR2 && was_pending && before_unblock == 2 &&
             recovered;
    printf("%s\n", ok ? "signals ok" : "signals WRONG");
    return ok ? 0 : 1;
}
