#pragma once
#include <cstdio>
#include <string>
#include <vector>

// A function-local static: one instance program-wide, built on first use under a guard variable.
std::vector<std::string> &registry();

struct Registrar {
    explicit Registrar(const char *name) { registry().push_back(name); }
};

// Template static data and inline variables are emitted in every object that uses them, in comdat
// groups (as STB_GNU_UNIQUE objects): the link must keep exactly one.
template <typename T> struct Counter {
    static int count;
    static void bump() { ++count; }
};
template <typename T> int Counter<T>::count = 100;

inline int shared_inline = 7;

inline int &inline_static() {
    static int value = 0;
    return value;
}

void bump_from_a();
void bump_from_b();
