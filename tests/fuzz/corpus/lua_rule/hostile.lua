local t = {}
for i = 1, 1e9 do t[i] = string.rep("x", 1000) end
rule { id = "never", title = "x", sev = "SEV4", logsource = {}, match = function() while true do end end }
