-- The Lua part of the real-programs test. Every result is checked against a value worked out
-- independently (by hand or from the language's definition), so that the GNU ld build is known to
-- be right; the test then also wants the solder build to print exactly the same.
local checks = 0
local function check(name, got, want)
  checks = checks + 1
  if got ~= want then
    error(string.format("%s: got %s, want %s", name, tostring(got), tostring(want)), 2)
  end
  print(string.format("%-28s %s", name, tostring(got)))
end

-- Recursion and integer arithmetic.
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
check("fib(25)", fib(25), 75025)
check("integer overflow wraps", math.maxinteger + 1, math.mininteger)
check("floor division", 7 // 2, 3)
check("float division", 7 / 2, 3.5)
check("modulo of negative", -7 % 3, 2)

-- Floating point through the C library (printf, strtod, libm).
check("format pi", string.format("%.6f", math.pi), "3.141593")
check("sqrt(2)", string.format("%.12g", math.sqrt(2)), "1.41421356237")
check("tonumber", tonumber("0x1p-2"), 0.25)
check("exp(log(10))", string.format("%.10f", math.exp(math.log(10))), "10.0000000000")
check("sin(pi/6)", string.format("%.10f", math.sin(math.pi / 6)), "0.5000000000")

-- Strings and patterns.
local s = "The quick brown fox jumps over the lazy dog"
check("gsub count", select(2, s:gsub("o", "0")), 4)
check("upper", ("solder"):upper(), "SOLDER")
local words = {}
for w in s:gmatch("%a+") do words[#words + 1] = w:lower() end
table.sort(words)
check("sorted words", table.concat(words, ","), "brown,dog,fox,jumps,lazy,over,quick,the,the")
check("string.rep", ("ab"):rep(3, "-"), "ab-ab-ab")
check("utf8.len", utf8.len("h\u{e9}llo w\u{f6}rld"), 11)
check("pack/unpack", string.unpack("<i4", string.pack("<i4", -123456)), -123456)

-- Tables, metatables and closures.
local Vec = {}
Vec.__index = Vec
Vec.__add = function(a, b) return setmetatable({ x = a.x + b.x, y = a.y + b.y }, Vec) end
Vec.__tostring = function(v) return "(" .. v.x .. "," .. v.y .. ")" end
local v = setmetatable({ x = 1, y = 2 }, Vec) + setmetatable({ x = 10, y = 20 }, Vec)
check("metatable __add", tostring(v), "(11,22)")
local function counter()
  local n = 0
  return function() n = n + 1; return n end
end
local c1, c2 = counter(), counter()
c1(); c1()
check("closures keep state", c1() * 10 + c2(), 31)
local squares = {}
for i = 1, 1000 do squares[i] = i * i end
local sum = 0
for _, x in ipairs(squares) do sum = sum + x end
check("sum of squares", sum, 333833500)

-- Coroutines (each has its own C stack handling in the VM).
local gen = coroutine.wrap(function()
  for i = 1, 5 do coroutine.yield(i * i) end
end)
local got = {}
for _ = 1, 5 do got[#got + 1] = gen() end
check("coroutine yields", table.concat(got, " "), "1 4 9 16 25")

-- Errors: raised with longjmp inside the interpreter, caught by pcall.
local ok, err = pcall(function() error({ code = 42 }) end)
check("pcall catches", (not ok) and err.code, 42)
ok, err = pcall(function() return nil + 1 end)
check("arithmetic error", (not ok) and err:match("arithmetic") ~= nil, true)
local depth = 0
local function deep() depth = depth + 1; return deep() + 1 end
ok, err = pcall(deep)
check("stack overflow caught", (not ok) and err:match("stack overflow") ~= nil, true)

-- The garbage collector, with finalizers.
local finalized = 0
for _ = 1, 100 do setmetatable({}, { __gc = function() finalized = finalized + 1 end }) end
collectgarbage("collect")
collectgarbage("collect")
check("finalizers ran", finalized, 100)

-- load() of generated code, and string.dump round trip.
local f = load("local a, b = ... return a * b")
check("load", f(6, 7), 42)
local g = load(string.dump(function(x) return x .. "!" end))
check("string.dump", g("dumped"), "dumped!")

-- A seeded random sequence is the same on every run of the same build.
math.randomseed(42)
local r = {}
for i = 1, 5 do r[i] = math.random(1, 100) end
print("random (seeded)              " .. table.concat(r, " "))

print(string.format("lua: all %d checks passed", checks))
