#include <iomanip>
#include <iostream>
#include <map>
#include <numeric>
#include <string>
#include <unordered_map>
#include <vector>

std::map<std::string, int> count_words(const std::string &text);
std::vector<std::pair<std::string, int>> top(const std::map<std::string, int> &counts, size_t n);

int main() {
    std::string text = "the quick brown fox jumps over the lazy dog The dog sleeps and the fox runs";
    auto counts = count_words(text);
    for (auto &[w, c] : top(counts, 3))
        std::cout << std::setw(6) << w << " " << c << '\n';
    std::unordered_map<int, std::string> squares;
    for (int i = 0; i < 50; i++)
        squares[i * i] = std::to_string(i);
    std::vector<int> v(100);
    std::iota(v.begin(), v.end(), 1);
    long sum = std::accumulate(v.begin(), v.end(), 0L);
    std::cout << "sum=" << sum << " sqrt(49)=" << squares[49] << " words=" << counts.size() << std::endl;
    std::cerr << "stderr works" << std::endl;
    bool ok = sum == 5050 && squares[49] == "7" && counts["the"] == 4;
    std::cout << std::boolalpha << (ok ? "stl ok" : "stl WRONG") << std::endl;
    return ok ? 0 : 1;
}
