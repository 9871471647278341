#include <algorithm>
#include <map>
#include <sstream>
#include <string>
#include <vector>

std::map<std::string, int> count_words(const std::string &text) {
    std::map<std::string, int> counts;
    std::istringstream in(text);
    std::string w;
    while (in >> w) {
        std::transform(w.begin(), w.end(), w.begin(), [](unsigned char c) { return std::tolower(c); });
        counts[w]++;
    }
    return counts;
}

std::vector<std::pair<std::string, int>> top(const std::map<std::string, int> &counts, size_t n) {
    std::vector<std::pair<std::string, int>> v(counts.begin(), counts.end());
    std::stable_sort(v.begin(), v.end(), [](auto &a, auto &b) { return a.second > b.second; });
    if (v.size() > n)
        v.resize(n);
    return v;
}
