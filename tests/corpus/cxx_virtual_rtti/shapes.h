#pragma once
#include <memory>
#include <string>
#include <vector>

struct Shape {
    virtual ~Shape();
    virtual double area() const = 0;
    virtual std::string name() const { return "shape"; }
};

struct Named {
    virtual ~Named() = default;
    virtual std::string label() const = 0;
};

struct Square : Shape, Named {
    explicit Square(double s) : side(s) {}
    double area() const override;
    std::string name() const override;
    std::string label() const override { return "sq" + std::to_string(int(side)); }
    double side;
};

struct Circle : Shape {
    explicit Circle(double r) : radius(r) {}
    double area() const override;
    double radius;
};

struct Base { virtual ~Base() = default; int b = 1; };
struct Left : virtual Base { int l = 2; };
struct Right : virtual Base { int r = 3; };
struct Diamond : Left, Right { int d = 4; };

std::vector<std::unique_ptr<Shape>> make_shapes();
const Base &as_base(const Diamond &d);
