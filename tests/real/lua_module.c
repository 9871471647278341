/* A Lua C module for the real-programs test, loaded by `require "soldermod"`: it calls back into
 * the host's Lua API (exported by the host with -E), keeps state in an upvalue and in a global of
 * its own, raises a Lua error, and reads a string through a pointer table (relative relocations). */
#include <string.h>

#include "lauxlib.h"
#include "lua.h"

static int calls;
static const char *const greetings[] = {"hello", "from", "a", "C", "module"};

static int add(lua_State *L) {
    calls++;
    lua_pushinteger(L, luaL_checkinteger(L, 1) + luaL_checkinteger(L, 2));
    return 1;
}

static int greeting(lua_State *L) {
    calls++;
    lua_Integer i = luaL_checkinteger(L, 1);
    luaL_argcheck(L, i >= 1 && i <= 5, 1, "no such greeting");
    lua_pushstring(L, greetings[i - 1]);
    return 1;
}

static int counter(lua_State *L) {
    lua_Integer n = lua_tointeger(L, lua_upvalueindex(1)) + 1;
    lua_pushinteger(L, n);
    lua_copy(L, -1, lua_upvalueindex(1));
    return 1;
}

static int ncalls(lua_State *L) {
    lua_pushinteger(L, calls);
    return 1;
}

static int concat(lua_State *L) {
    int n = lua_gettop(L); /* before the buffer, which takes a stack slot in Lua 5.4 */
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (int i = 1; i <= n; i++) {
        size_t len;
        const char *s = luaL_checklstring(L, i, &len);
        luaL_addlstring(&b, s, len);
        if (i < n) luaL_addchar(&b, ' ');
    }
    luaL_pushresult(&b);
    return 1;
}

static const luaL_Reg funcs[] = {
    {"add", add}, {"greeting", greeting}, {"calls", ncalls}, {"concat", concat}, {NULL, NULL}};

int luaopen_soldermod(lua_State *L) {
    luaL_newlib(L, funcs);
    lua_pushinteger(L, 0);
    lua_pushcclosure(L, counter, 1);
    lua_setfield(L, -2, "counter");
    lua_pushstring(L, LUA_VERSION);
    lua_setfield(L, -2, "version");
    return 1;
}
