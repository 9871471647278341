#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

struct PerThread {
    std::string name;
    int uses = 0;
    PerThread();
    ~PerThread();
};
extern thread_local PerThread state;
extern thread_local int plain_counter;
int use_state(const char *who);
extern std::atomic<int> destroyed_uses;
extern std::atomic<int> destroyed_count;

int main() {
    std::mutex m;
    std::vector<int> results(4);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; t++) {
        threads.emplace_back([&, t] {
            int last = 0;
            for (int i = 0; i <= t; i++)
                last = use_state("worker");
            std::lock_guard<std::mutex> lock(m);
            results[t] = last * 10 + state.uses;
        });
    }
    for (auto &th : threads)
        th.join();
    std::printf("destroyed %d thread states with %d uses\n", destroyed_count.load(), destroyed_uses.load());
    use_state("main");
    std::printf("results %d %d %d %d main=%d/%s\n", results[0], results[1], results[2], results[3], plain_counter,
                state.name.c_str());
    bool ok = results[0] == 111 && results[1] == 122 && results[2] == 133 && results[3] == 144 &&
              plain_counter == 11 && destroyed_count == 4 && destroyed_uses == 10;
    std::printf("%s\n", ok ? "thread_local ok" : "thread_local WRONG");
    return ok ? 0 : 1;
}
