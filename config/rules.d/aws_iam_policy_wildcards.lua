-- IAM policy documents that grant more than anyone should get from one statement.
--
-- CloudTrail records the document of CreatePolicy, CreatePolicyVersion and Put{User,Role,Group}Policy
-- in requestParameters.policyDocument as JSON text, URL-encoded by some APIs. The rule decodes it
-- and reads every Allow statement:
--   * Action "*" or "iam:*" on Resource "*"         (administrator / IAM administrator)
--   * NotAction                                      (allows everything but a list: nearly admin)
--   * an Action covering iam:PassRole on Resource "*" (hand any role to any service: escalation)
-- IAM matches action names case-insensitively and with * and ? wildcards; so does this rule.
--
-- A second rule takes the inline policy writes the first one does not grade (narrower documents,
-- refused calls), so each policy write raises exactly one alert. This file is the only pack that
-- reads policy documents: YAML cannot parse them, and two readers would alert twice.

local POLICY_EVENTS = {
  CreatePolicy = true,
  CreatePolicyVersion = true,
  PutUserPolicy = true,
  PutRolePolicy = true,
  PutGroupPolicy = true,
}

-- Statement, Action and Resource may each be one value or a list of them.
local function as_list(v)
  if v == nil then return {} end
  if type(v) ~= "table" or (v[1] == nil and next(v) ~= nil) then return { v } end
  return v
end

-- Does the IAM action pattern (with * and ? wildcards) cover `action` (lower case)?
local function covers(pattern, action)
  if type(pattern) ~= "string" then return false end
  pattern = pattern:lower()
  if not pattern:find("[*?]") then return pattern == action end
  local lua_pattern = pattern:gsub("[%^%$%(%)%%%.%[%]%+%-]", "%%%0"):gsub("%*", ".*")
                             :gsub("%?", ".")
  return action:find("^" .. lua_pattern .. "$") ~= nil
end

local function decode_policy(text)
  if type(text) ~= "string" then return nil end
  if not text:find("^%s*{") then text = url_decode(text) end
  local doc = json_decode(text)
  if type(doc) ~= "table" then return nil end
  return doc
end

-- The reasons a policy document is too broad, in statement order.
local function findings(doc)
  local found = {}
  for i, st in ipairs(as_list(doc.Statement)) do
    if type(st) == "table" and st.Effect == "Allow" then
      local on_everything = false
      for _, r in ipairs(as_list(st.Resource)) do
        if r == "*" then on_everything = true end
      end
      if st.NotAction ~= nil then
        found[#found + 1] = "statement " .. i .. ": Allow with NotAction"
      end
      if on_everything then
        local admin, pass_role = nil, nil
        for _, a in ipairs(as_list(st.Action)) do
          if type(a) == "string" and (a == "*" or a:lower() == "iam:*") then
            admin = admin or a
          elseif covers(a, "iam:passrole") then
            pass_role = pass_role or a
          end
        end
        if admin then
          found[#found + 1] = "statement " .. i .. ": Allow " .. admin .. " on Resource *"
        elseif pass_role then
          found[#found + 1] = "statement " .. i .. ": Allow " .. pass_role ..
                              " (iam:PassRole) on Resource *"
        end
      end
    end
  end
  return found
end

-- Both rules grade IAM mutations (approved changes regrade them) that escalate privilege.
local POLICY_TAGS = { "attack.privilege_escalation", "attack.persistence", "attack.t1098.003",
                      "tripline.iam-mutation" }

-- What the policy is attached to, for the alert's fields.
local function policy_target(event)
  return event["requestParameters.userName"] or event["requestParameters.roleName"]
      or event["requestParameters.groupName"] or event["requestParameters.policyArn"]
      or event["requestParameters.policyName"] or ""
end

local INLINE_POLICY_EVENTS = { PutUserPolicy = true, PutRolePolicy = true, PutGroupPolicy = true }

-- The administrator grant the tests of both rules use.
local STAR_ON_STAR = '{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'

-- A CloudTrail event for the tests: who did what with which document.
local function policy_event(event_name, document, extra)
  local e = {
    eventVersion = "1.08", eventTime = "2026-01-01T00:00:00Z", eventSource = "iam.amazonaws.com",
    eventName = event_name, awsRegion = "us-east-1", sourceIPAddress = "198.51.100.7",
    eventID = "policy-" .. event_name,
    userIdentity = { type = "IAMUser", arn = "arn:aws:iam::123456789012:user/mallory",
                     userName = "mallory", accountId = "123456789012" },
    requestParameters = { policyName = "inline", userName = "mallory", policyDocument = document },
  }
  for k, v in pairs(extra or {}) do e[k] = v end
  return e
end

rule {
  id = "aws-iam-policy-grants-wildcards",
  title = "IAM policy document grants wildcard privileges",
  description = "An IAM policy document allows every action, every IAM action, everything but a "
             .. "list (NotAction), or iam:PassRole on every resource.",
  sev = "SEV1",
  logsource = { product = "aws", service = "cloudtrail" },
  tags = POLICY_TAGS,
  on_event = function(event, state)
    local name = event["eventName"]
    if not POLICY_EVENTS[name] or event["errorCode"] ~= nil then return end
    local doc = decode_policy(event["requestParameters.policyDocument"])
    if not doc then return end
    local found = findings(doc)
    if #found == 0 then return end
    local target = policy_target(event)
    alert {
      title = "IAM " .. name .. " grants " .. found[1]:gsub("^statement %d+: ", ""),
      group = { principal = event["userIdentity.arn"] or "unknown" },
      fields = {
        event_name = name,
        findings = table.concat(found, "; "),
        target = target,
        source_ip = event["sourceIPAddress"] or "",
      },
    }
  end,
  tests = {
    { name = "administrator policy through PutUserPolicy", expect_alerts = 1,
      event = policy_event("PutUserPolicy",
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}') },
    { name = "URL-encoded iam:* in CreatePolicyVersion", expect = "match",
      event = policy_event("CreatePolicyVersion",
        "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow"
        .. "%22%2C%22Action%22%3A%5B%22s3%3AGetObject%22%2C%22IAM%3A*%22%5D%2C%22Resource%22%3A"
        .. "%5B%22*%22%5D%7D%5D%7D") },
    { name = "NotAction is nearly administrator", expect = "match",
      event = policy_event("PutRolePolicy",
        '{"Statement":{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}}') },
    { name = "iam:PassRole on every resource", expect = "match",
      event = policy_event("PutGroupPolicy",
        '{"Statement":[{"Effect":"Allow","Action":["ec2:RunInstances","iam:PassRole"],'
        .. '"Resource":"*"}]}') },
    { name = "a wildcard covering PassRole counts", expect = "match",
      event = policy_event("CreatePolicy",
        '{"Statement":[{"Effect":"Allow","Action":"iam:Pass*","Resource":["*"]}]}') },
    { name = "read-only describe on every resource is fine", expect = "no_match",
      event = policy_event("PutRolePolicy",
        '{"Statement":[{"Action":["ec2:DescribeInstances"],"Effect":"Allow","Resource":"*"}],'
        .. '"Version":"2012-10-17"}') },
    { name = "PassRole on one role is fine", expect = "no_match",
      event = policy_event("PutRolePolicy",
        '{"Statement":[{"Effect":"Allow","Action":"iam:PassRole",'
        .. '"Resource":"arn:aws:iam::123456789012:role/app"}]}') },
    { name = "Deny statements are not grants", expect = "no_match",
      event = policy_event("PutUserPolicy",
        '{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}') },
    { name = "failed calls grant nothing", expect = "no_match",
      event = policy_event("PutUserPolicy",
        STAR_ON_STAR,
        { errorCode = "AccessDenied" }) },
    { name = "other IAM calls are ignored", expect = "no_match",
      event = policy_event("AttachUserPolicy", nil) },
    { name = "undecodable documents are ignored", expect = "no_match",
      event = policy_event("PutUserPolicy", "%7Bnot json") },
  },
}

rule {
  id = "aws-iam-inline-policy-written",
  title = "AWS inline IAM policy written",
  description = "PutUserPolicy, PutRolePolicy or PutGroupPolicy wrote an inline policy, which "
             .. "bypasses managed-policy review. Documents granting wildcard privileges are the "
             .. "SEV1 rule's above; a refused call is reported here whatever it asked for.",
  sev = "SEV2",
  logsource = { product = "aws", service = "cloudtrail" },
  tags = POLICY_TAGS,
  on_event = function(event, state)
    local name = event["eventName"]
    if not INLINE_POLICY_EVENTS[name] then return end
    local refused = event["errorCode"]
    local findings_text = ""
    local doc = decode_policy(event["requestParameters.policyDocument"])
    if doc then
      local found = findings(doc)
      if #found > 0 and refused == nil then return end
      findings_text = table.concat(found, "; ")
    end
    alert {
      title = refused and ("AWS inline IAM policy write refused (" .. refused .. ")") or nil,
      fields = {
        event_name = name,
        policy_name = event["requestParameters.policyName"] or "",
        target = policy_target(event),
        findings = findings_text,
        error_code = refused or "",
      },
    }
  end,
  tests = {
    { name = "a narrow inline policy", expect_alerts = 1,
      event = policy_event("PutRolePolicy",
        '{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}') },
    { name = "star on star is the SEV1 rule's", expect = "no_match",
      event = policy_event("PutUserPolicy",
        STAR_ON_STAR) },
    { name = "a refused star-on-star write is reported here", expect = "match",
      event = policy_event("PutUserPolicy",
        STAR_ON_STAR,
        { errorCode = "AccessDenied" }) },
    { name = "an undecodable document is still a write", expect = "match",
      event = policy_event("PutGroupPolicy", "%7Bnot json") },
    { name = "managed policy versions are not inline", expect = "no_match",
      event = policy_event("CreatePolicyVersion",
        '{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}') },
    { name = "deleting an inline policy", expect = "no_match",
      event = policy_event("DeleteUserPolicy", nil) },
  },
}
