#include <cstdio>
#include <exception>
#include <functional>
#include <string>

#include "errors.h"

static int sum_digits(const char *s) {
    int total = 0;
    for (; *s; s++)
        total += parse_digit(*s);
    return total;
}

int main() {
    int ok = 1;
    try {
        std::printf("sum=%d\n", sum_digits("12345"));
        std::printf("sum=%d\n", sum_digits("12x45"));
        ok = 0;
    } catch (const ParseError &e) {
        std::printf("caught ParseError: %s (line %d)\n", e.what(), e.line_);
    }

    std::string log;
    try {
        deep_throw(5, &log);
        ok = 0;
    } catch (const std::exception &e) {
        std::printf("caught %s, unwound %s\n", e.what(), log.c_str());
        ok &= log == "g0;g1;g2;g3;g4;g5;";
    }

    try {
        rethrow_as_logic();
        ok = 0;
    } catch (const std::logic_error &e) {
        std::printf("outer: %s\n", e.what());
        try {
            std::rethrow_if_nested(e);
        } catch (const std::invalid_argument &inner) {
            std::printf("nested: %s\n", inner.what());
        }
    }

    std::exception_ptr saved;
    try {
        Fragile f(true);
        ok = 0;
    } catch (...) {
        saved = std::current_exception();
    }
    try {
        std::rethrow_exception(saved);
    } catch (int v) {
        std::printf("rethrown int %d\n", v);
        ok &= v == 42;
    }

    std::function<void()> thrower = [] { throw std::runtime_error("from a lambda"); };
    try {
        thrower();
        ok = 0;
    } catch (const std::runtime_error &e) {
        std::printf("lambda: %s\n", e.what());
    }
    std::printf("%s\n", ok ? "exceptions ok" : "exceptions WRONG");
    return ok ? 0 : 1;
}
