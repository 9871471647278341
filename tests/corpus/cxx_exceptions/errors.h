#pragma once
#include <stdexcept>
#include <string>

struct ParseError : std::runtime_error {
    explicit ParseError(int line);
    int line_;
};

struct Guard {
    Guard(std::string *log, std::string name) : log_(log), name_(std::move(name)) {}
    ~Guard();
    std::string *log_;
    std::string name_;
};

int parse_digit(char c);
int deep_throw(int depth, std::string *log);
void rethrow_as_logic();

struct Fragile {
    explicit Fragile(bool fail);
};
