#include "shapes.h"

Shape::~Shape() = default;
double Square::area() const { return side * side; }
std::string Square::name() const { return "square"; }
double Circle::area() const { return 3.0 * radius * radius; }

std::vector<std::unique_ptr<Shape>> make_shapes() {
    std::vector<std::unique_ptr<Shape>> v;
    v.push_back(std::make_unique<Square>(2));
    v.push_back(std::make_unique<Circle>(1));
    v.push_back(std::make_unique<Square>(3));
    return v;
}

const Base &as_base(const Diamond &d) { return d; }
