// Fuzz seed: the same COMDAT groups as b.cpp, so that one copy of each is discarded.
template <typename T> T twice(T v) { return v + v; }
inline int shared_inline(int x) {
    static int counter;
    return x + ++counter;
}
extern "C" int cxx_other(int x) { return twice(x) + shared_inline(x); }
