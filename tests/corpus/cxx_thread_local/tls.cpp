#include <atomic>
#include <cstdio>
#include <string>

// Sum of the uses seen by destroyed thread states (threads end in any order, so no printing there).
std::atomic<int> destroyed_uses{0};
std::atomic<int> destroyed_count{0};

// A thread_local with a constructor and destructor: accessed through the TLS wrapper function
// (_ZTW), initialised by _ZTH on first use, destroyed via __cxa_thread_atexit.
struct PerThread {
    std::string name;
    int uses = 0;
    PerThread() : name("fresh") {}
    ~PerThread() {
        destroyed_uses += uses;
        destroyed_count++;
    }
};

thread_local PerThread state;
thread_local int plain_counter = 10;

int use_state(const char *who) {
    state.uses++;
    state.name = who;
    return ++plain_counter;
}
