// Exceptions thrown in one object and caught in another: the unwinder must find every FDE through
// .eh_frame_hdr (or, in static links, libgcc_eh's own lookup) and the personality routine and
// LSDAs must be reachable.
#include "errors.h"

#include <stdexcept>
#include <string>

ParseError::ParseError(int line) : std::runtime_error("parse error at line " + std::to_string(line)), line_(line) {}

int parse_digit(char c) {
    if (c < '0' || c > '9')
        throw ParseError(static_cast<int>(c));
    return c - '0';
}

Guard::~Guard() { *log_ += name_; *log_ += ";"; }

int deep_throw(int depth, std::string *log) {
    Guard g(log, "g" + std::to_string(depth));
    if (depth == 0)
        throw std::out_of_range("bottom reached");
    return deep_throw(depth - 1, log) + 1;
}

void rethrow_as_logic() {
    try {
        throw std::invalid_argument("inner");
    } catch (const std::exception &e) {
        std::throw_with_nested(std::logic_error(std::string("outer wrapping ") + e.what()));
    }
}

Fragile::Fragile(bool fail) {
    if (fail)
        throw 42;
}
