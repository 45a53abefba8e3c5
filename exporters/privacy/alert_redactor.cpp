#include "exporters/privacy/alert_redactor.h"

#include <prometheus/counter.h>

#include <atomic>

#include "core/log.h"
#include "core/metrics.h"
#include "exporters/privacy/value_scrubber.h"

namespace tripline {
namespace {

prometheus::Counter& withheld_counter() {
  static prometheus::Counter& counter =
      prometheus::BuildCounter()
          .Name("tripline_privacy_events_withheld_total")
          .Help("Alert events withheld because the privacy filter could not read them")
          .Register(*Metrics::global().registry())
          .Add({});
  return counter;
}

// Pairs (group, fields) keyed by a field path: the key decides, like a member of an event.
void collect_pairs(const std::vector<std::pair<std::string, std::string>>& pairs,
                   const FieldSelection& selection, const Pseudonymizer* pseudonymizer,
                   ValueScrubber& scrubber) {
  for (const auto& [key, value] : pairs) {
    switch (selection.action_for(key)) {
      case FieldSelection::Action::kHash:
        scrubber.add(value, pseudonymizer->token(value), true);
        break;
      case FieldSelection::Action::kDrop:
        scrubber.add(value, std::string(JsonRedactor::kRedacted), false);
        break;
      case FieldSelection::Action::kKeep:
        break;
    }
  }
}

void rewrite_pairs(std::vector<std::pair<std::string, std::string>>& pairs,
                   const FieldSelection& selection, const Pseudonymizer* pseudonymizer,
                   const ValueScrubber& scrubber) {
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(pairs.size());
  for (auto& [key, value] : pairs) {
    switch (selection.action_for(key)) {
      case FieldSelection::Action::kHash:
        out.emplace_back(std::move(key), pseudonymizer->token(value));
        break;
      case FieldSelection::Action::kDrop:
        break;
      case FieldSelection::Action::kKeep:
        out.emplace_back(std::move(key), scrubber.scrub(value));
        break;
    }
  }
  pairs = std::move(out);
}

}  // namespace

AlertRedactor::AlertRedactor(PrivacyPolicy policy) : policy_(std::move(policy)) {
  if (!policy_.key.empty()) pseudonymizer_.emplace(policy_.key, policy_.key_id);
  withheld_counter();  // exported from start-up, not from the first withheld event
}

FieldSelection AlertRedactor::selection_for(const LogSource& logsource) const {
  FieldSelection selection;
  for (const PrivacyRule& rule : policy_.rules) {
    if (!rule.applies_to(logsource)) continue;
    // Without a key nothing can be hashed; the loader refuses that config, this is the backstop
    // that keeps such a field from leaking: it is dropped instead.
    for (const auto& f : rule.hash) (pseudonymizer_ ? selection.hash : selection.drop).insert(f);
    for (const auto& f : rule.drop) selection.drop.insert(f);
  }
  for (const auto& f : selection.drop) selection.hash.erase(f);
  return selection;
}

void AlertRedactor::apply(Alert& alert) const {
  if (policy_.hmac_alert_id && pseudonymizer_) {
    alert.alert_id = pseudonymizer_->hmac_hex(alert.alert_id, alert.alert_id.size());
  }
  const FieldSelection selection = selection_for(alert.logsource);
  if (selection.empty()) return;
  const Pseudonymizer* pseudonymizer = pseudonymizer_ ? &*pseudonymizer_ : nullptr;

  ValueScrubber scrubber(policy_.scrub_min_length);
  JsonRedactor redactor(selection, pseudonymizer, scrubber);
  std::vector<bool> readable(alert.events.size(), true);
  for (size_t i = 0; i < alert.events.size(); ++i) {
    readable[i] = redactor.collect(alert.events[i]);
    // A JSON body rendered as text: its fields are only inside the raw line. If that cannot be
    // read either, nothing says where its identifiers are, so the event is withheld.
    std::string embedded;
    if (readable[i] && JsonRedactor::embedded_json(alert.events[i], embedded)) {
      readable[i] = redactor.collect(embedded);
    }
  }
  collect_pairs(alert.group, selection, pseudonymizer, scrubber);
  collect_pairs(alert.fields, selection, pseudonymizer, scrubber);

  for (size_t i = 0; i < alert.events.size(); ++i) {
    std::string rewritten;
    if (!readable[i] || !redactor.rewrite(alert.events[i], rewritten)) {
      rewritten = std::string(kWithheldEvent);
      withheld_counter().Increment();
      static std::atomic<bool> warned{false};
      if (!warned.exchange(true)) {
        log::warn(
            "privacy: an alert event is not readable as JSON and was withheld (logged once; "
            "see tripline_privacy_events_withheld_total)",
            {{"rule_id", alert.rule_id}, {"alert_id", alert.alert_id}});
      }
    }
    alert.events[i] = std::move(rewritten);
  }
  rewrite_pairs(alert.group, selection, pseudonymizer, scrubber);
  rewrite_pairs(alert.fields, selection, pseudonymizer, scrubber);
  if (scrubber.empty()) return;
  for (std::string* s :
       {&alert.title, &alert.host, &alert.trace_id, &alert.runbook, &alert.change_id}) {
    *s = scrubber.scrub(*s);
  }
}

}  // namespace tripline
