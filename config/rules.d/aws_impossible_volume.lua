-- "Impossible volume": one principal doing more in five minutes than a person at a console can.
--
-- Every CloudTrail call of a user or role scores points in a fixed five-minute window per
-- principal: reads (Get/List/Describe/Head...) 1, writes 5, calls refused with AccessDenied 3
-- (probing), and every source IP beyond the first in the window 20. A window that reaches
-- SCORE_LIMIT alerts once, with what it saw. Calls AWS services make on a principal's behalf
-- (invokedBy) and service principals do not count. Automation accounts that legitimately
-- run bulk jobs belong in IGNORE.

local WINDOW = 300          -- seconds
local SCORE_LIMIT = 600     -- e.g. 120 writes, 600 reads, or 30 writes from 24 addresses
local WEIGHT_READ, WEIGHT_WRITE, WEIGHT_DENIED, WEIGHT_NEW_IP = 1, 5, 3, 20
local IGNORE = {
  -- ["arn:aws:iam::123456789012:role/ci-deployer"] = true,
}

local READ_PREFIXES = { "Get", "List", "Describe", "Head", "Lookup", "Search", "Scan", "Query",
                        "Check", "Validate", "BatchGet", "Select" }

local function is_read(event_name)
  for _, prefix in ipairs(READ_PREFIXES) do
    if event_name:sub(1, #prefix) == prefix then return true end
  end
  return false
end

local function weight(event)
  local code = event["errorCode"]
  if code == "AccessDenied" or code == "Client.UnauthorizedOperation" then return WEIGHT_DENIED end
  return is_read(event["eventName"] or "") and WEIGHT_READ or WEIGHT_WRITE
end

rule {
  id = "aws-impossible-volume",
  title = "Impossible API volume from one principal",
  description = "A user or role scored more CloudTrail activity in five minutes than a person "
             .. "can produce: scripted abuse of stolen credentials, or runaway automation.",
  sev = "SEV2",
  logsource = { product = "aws", service = "cloudtrail" },
  tags = { "attack.discovery", "attack.collection", "attack.t1530" },
  on_event = function(event, state)
    if event["userIdentity.invokedBy"] or event["userIdentity.type"] == "AWSService" then return end
    local who = event["userIdentity.arn"]
    if not who or IGNORE[who] then return end
    local now = parse_time(event["eventTime"]) or os.time()

    -- The window opens with the principal's first call and lasts WINDOW seconds.
    local start = state:get("start:" .. who)
    if not start then
      start = now
      state:set("start:" .. who, start, WINDOW)
    end
    local points = weight(event)
    local until_window_end = math.max(1, start + WINDOW - now)
    local ip = event["sourceIPAddress"]
    if ip and not state:get("ip:" .. who .. "|" .. ip) then
      state:set("ip:" .. who .. "|" .. ip, true, until_window_end)
      if state:incr("ips:" .. who, 1, WINDOW) > 1 then points = points + WEIGHT_NEW_IP end
    end
    -- The event times the window's calls span (in the alert's fields): CloudTrail delivers out of
    -- order, so the call that opened the window need be neither the earliest nor the latest.
    local earliest = state:get("earliest:" .. who)
    if not earliest or now < earliest then
      earliest = now
      state:set("earliest:" .. who, now, until_window_end)
    end
    local latest = state:get("latest:" .. who)
    if not latest or now > latest then
      latest = now
      state:set("latest:" .. who, now, until_window_end)
    end
    local calls = state:incr("calls:" .. who, 1, WINDOW)
    local score = state:incr("score:" .. who, points, WINDOW)
    -- Once per window: the mark names the window, so late events of an older window (CloudTrail
    -- files arrive out of order) neither reuse nor block the mark of the current one.
    local fired = "fired:" .. who .. "@" .. start
    if score < SCORE_LIMIT or state:get(fired) then return end
    state:set(fired, true, WINDOW + math.max(0, start - now))
    alert {
      title = "Impossible API volume: " .. (event["userIdentity.userName"] or who)
              .. " scored " .. score .. " in " .. calls .. " calls",
      group = { principal = who },
      key = who .. "@" .. start,
      count = calls,
      fields = {
        score = score,
        calls = calls,
        source_ips = state:get("ips:" .. who) or 1,
        window_start = start,
        first_call = earliest,
        last_call = latest,
        last_event = event["eventName"] or "",
      },
    }
  end,
  tests = (function()
    -- CloudTrail calls one second apart from `first`, by `user`, named by `name(i)`.
    local function burst(n, user, name, first, step, ip)
      local events = {}
      for i = 1, n do
        local t = first + (i - 1) * (step or 1)
        events[i] = {
          eventTime = string.format("2026-01-01T%02d:%02d:%02dZ", t // 3600, t // 60 % 60, t % 60),
          eventName = name(i), eventSource = "s3.amazonaws.com", eventID = user .. "-" .. t .. "-" .. i,
          sourceIPAddress = ip and ip(i) or "198.51.100.7",
          userIdentity = { type = "IAMUser", userName = user,
                           arn = "arn:aws:iam::123456789012:user/" .. user },
        }
      end
      return events
    end
    local function write() return "PutObject" end
    local function read() return "GetObject" end
    local function concat(a, b)
      local out = {}
      for _, e in ipairs(a) do out[#out + 1] = e end
      for _, e in ipairs(b) do out[#out + 1] = e end
      return out
    end
    return {
      { name = "130 writes in two minutes alert once", expect_alerts = 1,
        events = burst(130, "mallory", write, 0) },
      { name = "700 reads in five minutes alert", expect = "match",
        events = burst(700, "mallory", read, 0, 0) },
      { name = "few writes from many addresses alert", expect = "match",
        events = burst(30, "mallory", write, 0, 1,
                       function(i) return "203.0.113." .. i end) },
      { name = "two users sharing the volume do not", expect = "no_match",
        events = concat(burst(65, "alice", write, 0), burst(65, "bob", write, 0)) },
      { name = "the same volume over half an hour does not", expect = "no_match",
        events = burst(130, "mallory", write, 0, 14) },
      { name = "service calls do not count", expect = "no_match",
        events = (function()
          local e = burst(200, "mallory", write, 0)
          for _, x in ipairs(e) do x.userIdentity.invokedBy = "cloudformation.amazonaws.com" end
          return e
        end)() },
      { name = "a second burst in a new window alerts again", expect_alerts = 2,
        events = concat(burst(130, "mallory", write, 0), burst(130, "mallory", write, 600)) },
    }
  end)(),
}
