local ok = pcall(function() return io.open("/etc/passwd") end)
local s = string.rep("a", 1 << 20)
local co = coroutine.wrap(function() coroutine.yield(1) end)
rule { id = "probe", title = tostring(ok) .. #s, sev = "SEV3", logsource = { product = "aws" },
       match = function(e) local x = setmetatable({}, {__index = function() error({}) end}); return x.y end }
