#pragma once
#include <memory>
#include <string>
#include <string_view>

#include "core/event.h"
#include "core/time_util.h"

namespace tripline::testing {

inline TimePoint at(std::string_view rfc3339) { return *parse_rfc3339(rfc3339); }

// An event of an `auth` input (logsource linux/auth/<category>) received at `received`.
inline Event make_event(std::string_view raw, TimePoint received = at("2026-11-23T09:00:00Z"),
                        std::string category = "") {
  auto input = std::make_shared<InputInfo>();
  input->name = "auth";
  input->host = "agent-host";
  input->logsource = {"linux", "auth", std::move(category)};
  Event e(input, raw);
  e.set_receive_time(received);
  return e;
}

// The text of a field, or "<absent>" so that assertions on missing fields read clearly.
inline std::string field(const Event& e, std::string_view name) {
  const FieldValue* v = e.find(name);
  return v ? v->text : std::string("<absent>");
}

}  // namespace tripline::testing
