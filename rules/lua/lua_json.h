#pragma once
#include <simdjson.h>
#include <lua.hpp>

#include <string>

#include "core/json_writer.h"

namespace tripline::lua {

// The value json_decode puts where a JSON array holds null (a Lua sequence cannot hold nil);
// exposed to rules as the global `json_null`. Nulls inside objects are left out (nil).
void* json_null_token();

// Pushes a parsed JSON value as Lua values: objects and arrays become tables, integers that fit
// become integers, other numbers floats. Raises on allocation failure (Lua error), so call it
// only from a Lua C function whose frames hold no objects with destructors.
void push_json_value(lua_State* L, simdjson::dom::element value);

// Serialises the Lua value at `idx` as JSON without raising (raw access, keys sorted so the
// output is stable): strings, numbers, booleans, json_null, and tables that are either
// sequences (arrays) or have only string keys (objects; an empty table is {}). Returns false
// with `error` for anything else (functions, NaN, cycles or nesting deeper than 64).
bool write_lua_json(lua_State* L, int idx, JsonWriter& out, std::string& error);

}  // namespace tripline::lua
