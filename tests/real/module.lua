-- Loads the C module built by the test (soldermod.so in the working directory) and uses it.
package.cpath = "./?.so"
local m = require("soldermod")
print("version", m.version)
print("add", m.add(40, 2), m.add(-7, 7))
local words = {}
for i = 1, 5 do words[#words + 1] = m.greeting(i) end
print("greetings", m.concat(table.unpack(words)))
print("counter", m.counter(), m.counter(), m.counter())
local ok, err = pcall(m.greeting, 9)
print("error", ok, (err:gsub("^.-: ", "")))
print("calls", m.calls())
assert(package.loaded.soldermod == m)
print("module: done")
