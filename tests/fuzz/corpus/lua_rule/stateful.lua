rule {
  id = "aws-volume", title = "Volume", sev = "SEV2", logsource = { product = "aws" },
  throttle = { window = "10m", max_alerts = 2 },
  on_event = function(event, state)
    local n = state:incr(event["sourceIPAddress"] or "?", 1, 300)
    if n >= 1 then
      local doc = json_decode(event["requestParameters.policyDocument"] or "{}")
      alert { title = "volume " .. tostring(n), group = { ip = event["sourceIPAddress"] },
              fields = { n = n, ok = re_match(event["eventName"] or "", "^Attach"),
                         t = parse_time(event["eventTime"] or ""), u = url_decode("a%20b") } }
      log("seen " .. tostring(doc))
    end
  end,
}
