// Fuzz seed: C++ templates and inline functions, each in a COMDAT group (b2.cpp has the same).
template <typename T> T twice(T v) { return v + v; }
inline int shared_inline(int x) {
    static int counter;
    return x + ++counter;
}
extern "C" int cxx_entry(int x) { return twice(x) + (int)twice(1.5) + shared_inline(x); }
