#pragma once
#include <array>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/field.h"
#include "core/logsource.h"

namespace tripline {

using Clock = std::chrono::system_clock;
using TimePoint = Clock::time_point;

// What every event of one input shares; built once when the input is configured.
struct InputInfo {
  std::string name;
  std::string host;
  LogSource logsource;
  // Static enrichment fields (env, team, service, ...) visible to rules and carried in alerts.
  std::vector<std::pair<std::string, std::string>> static_fields;
};

// Where in its input an event came from: the file (or object key) and the bytes it spans.
// `generation` names the content the offsets count in when the origin alone does not (a tailed
// file that was truncated, or renamed, keeps or changes its path independently of its content).
struct InputPosition {
  std::string origin;
  uint64_t offset = 0;
  uint64_t end_offset = 0;
  std::string generation;
};

// Raw bytes plus lazily extracted fields. JSON bodies are read with simdjson on-demand only when a
// field is asked for; each field is extracted at most once and cached. Text bodies (syslog, sshd)
// carry the fields their parser set. An Event is evaluated by one thread at a time.
class Event {
 public:
  enum class Body : unsigned char { kText, kJson };

  Event() = default;
  Event(std::shared_ptr<const InputInfo> input, std::string_view raw);

  // Makes this the event a fresh Event(input, raw) would be, keeping the buffers it holds (raw
  // bytes, field names and values): a reader that reuses one Event per line allocates nothing
  // for lines shaped like the previous ones. Pointers from find() are invalidated.
  void reset(std::shared_ptr<const InputInfo> input, std::string_view raw);

  std::string_view raw() const { return {raw_.data(), raw_size_}; }
  // Replaces the raw bytes (a parser repairing invalid UTF-8); drops every cached field.
  void replace_raw(std::string_view raw);
  Body body() const { return body_; }
  void set_body(Body body) {
    body_ = body;
    rendered_.reset();
  }

  // Field lookup by dotted path: parser-set fields first, then the JSON body, then the input's
  // static fields. Returns nullptr when absent.
  const FieldValue* find(const FieldPath& path) const;
  const FieldValue* find(std::string_view dotted) const;
  // Convenience: the string form of a field, empty when absent.
  std::string_view text(std::string_view dotted) const;

  // Sets a parsed field (sshd, syslog) or overrides one.
  void set_field(std::string name, FieldValue value);
  void set_field(std::string name, std::string text) {
    set_field(std::move(name), FieldValue::string(std::move(text)));
  }
  // The same, copying `text` into the field's existing buffers (no allocation when a previous
  // line's field of that slot was as long): the parsers' hot path.
  // Inline so that a parser's literal name has its tag computed at compile time.
  void set_field_text(std::string_view name, std::string_view text,
                      FieldType type = FieldType::kString) {
    set_field_text_tagged(name, name_tag(name), text, type);
  }
  // Fields a parser set, in the order it set them (used when rendering text events). The names
  // stay valid as long as the event.
  std::vector<std::pair<std::string_view, const FieldValue*>> parsed_fields() const;
  // The same without building a list: fn(std::string_view name, const FieldValue& value).
  template <class Fn>
  void for_each_parsed_field(Fn&& fn) const {
    for (size_t i = 0; i < fields_.size(); ++i) {
      const CachedField& f = fields_[i];
      if (f.parsed && f.value.present()) fn(std::string_view(f.name), f.value);
    }
  }

  // True when the JSON body could not be read where a field was asked for.
  bool json_error() const { return json_error_; }

  const InputInfo* input() const { return input_.get(); }
  const std::shared_ptr<const InputInfo>& input_ptr() const { return input_; }
  std::string_view source() const;
  std::string_view host() const;

  const LogSource& logsource() const { return logsource_; }
  void set_logsource(LogSource ls) { logsource_ = std::move(ls); }

  TimePoint receive_time() const { return receive_time_; }
  void set_receive_time(TimePoint t) { receive_time_ = t; }
  // Event time from the record itself; receive time when the record carried none.
  TimePoint event_time() const { return event_time_; }
  void set_event_time(TimePoint t) { event_time_ = t; }

  const InputPosition& position() const { return position_; }
  void set_position(InputPosition p) { position_ = std::move(p); }
  // The same without a generation, reusing the origin's buffer.
  void set_position(std::string_view origin, uint64_t offset, uint64_t end_offset) {
    position_.origin.assign(origin);
    position_.offset = offset;
    position_.end_offset = end_offset;
    position_.generation.clear();
  }

  // Reads one JSON field without caching (used by parsers before rules run).
  bool read_json_field(const FieldPath& path, FieldValue& out) const;

  // The event rendered as JSON (render_event_json in core/alert.h), shared by every alert and
  // correlation window that carries this event; null until stored, and again whenever the raw
  // bytes, the body kind, a parsed field or the JSON error state change.
  std::shared_ptr<const std::string> cached_rendering() const {
    return rendered_error_ == json_error_ ? rendered_ : nullptr;
  }
  void cache_rendering(std::shared_ptr<const std::string> json) const {
    rendered_ = std::move(json);
    rendered_error_ = json_error_;
  }

 private:
  struct CachedField {
    std::string name;
    FieldValue value;
    bool parsed = false;  // set by a parser (vs. cached from the JSON body)
    uint64_t tag = 0;     // name_tag(name): most names differ in it, so compares are cheap
  };
  void set_field_text_tagged(std::string_view name, uint64_t tag, std::string_view text,
                             FieldType type);
  static uint64_t name_tag(std::string_view name) {
    uint64_t head = 0;
    if (name.size() >= 8) {
      std::memcpy(&head, name.data(), 8);
    } else {
      for (size_t i = 0; i < name.size(); ++i) {
        head |= static_cast<uint64_t>(static_cast<unsigned char>(name[i])) << (8 * i);
      }
    }
    return head ^ (static_cast<uint64_t>(name.size()) << 56);
  }
  // Fields in chunks of 16 that never move: references returned by find() stay valid while
  // later lookups add fields, and an index is a shift and a mask (a deque's is a division).
  // Only the first size() slots hold this event's fields; the rest are spares kept by reset()
  // for their buffers.
  class FieldSlots {
   public:
    FieldSlots() = default;
    FieldSlots(FieldSlots&&) noexcept = default;
    FieldSlots& operator=(FieldSlots&&) noexcept = default;
    FieldSlots(const FieldSlots& other) { *this = other; }
    FieldSlots& operator=(const FieldSlots& other) {
      if (this == &other) return *this;
      reuse();
      for (size_t i = 0; i < other.live_; ++i) next(other[i].tag) = other[i];
      return *this;
    }
    size_t size() const { return live_; }
    CachedField& operator[](size_t i) const { return chunks_[i / kChunk][i % kChunk]; }
    // The next slot, for a field named by `tag`.
    // `previous_tag` receives the tag the slot had (a reused slot keeps its old name).
    CachedField& next(uint64_t tag, uint64_t* previous_tag = nullptr) {
      if (live_ == chunks_.size() * kChunk) {
        chunks_.push_back(std::make_unique<CachedField[]>(kChunk));
      }
      const unsigned bit = tag_bit_index(tag);
      if ((present_ & (uint64_t{1} << bit)) == 0) {
        first_[bit] = static_cast<uint32_t>(live_);
        present_ |= uint64_t{1} << bit;
      }
      CachedField& f = (*this)[live_++];
      if (previous_tag) *previous_tag = f.tag;
      f.tag = tag;
      return f;
    }
    void reuse() {
      live_ = 0;
      present_ = 0;
    }
    // The first live slot whose name is `name` (tag = name_tag(name)), or null.
    CachedField* find(std::string_view name, uint64_t tag) const {
      // Most lookups are for a field not set yet (a parser setting its fields, a rule asking
      // for one the event lacks): one bit answers them without a scan. Most of the others are
      // for the first field whose name has that bit, which the bit's slot index names.
      const unsigned bit = tag_bit_index(tag);
      if ((present_ & (uint64_t{1} << bit)) == 0) return nullptr;
      const size_t first = first_[bit];
      if (CachedField& f = (*this)[first]; same_name(f, name, tag)) return &f;
      // Another name shares the bit: the field, if set, comes after that slot.
      for (size_t i = first + 1; i < live_; ++i) {
        if (CachedField& f = (*this)[i]; same_name(f, name, tag)) return &f;
      }
      return nullptr;
    }
    void clear() {
      chunks_.clear();
      reuse();
    }

   private:
    static constexpr size_t kChunk = 16;
    // One of 64 bits per name (a filter: a set bit may be another name's).
    static unsigned tag_bit_index(uint64_t tag) {
      return static_cast<unsigned>((tag * 0x9E3779B97F4A7C15ULL) >> 58);
    }
    static bool same_name(const CachedField& f, std::string_view name, uint64_t tag) {
      return f.tag == tag && f.name.size() == name.size() &&
             std::memcmp(f.name.data(), name.data(), name.size()) == 0;
    }
    uint64_t present_ = 0;
    // Per set bit of present_, the first live slot whose name has that bit (others unset).
    std::array<uint32_t, 64> first_{};
    std::vector<std::unique_ptr<CachedField[]>> chunks_;
    size_t live_ = 0;
  };
  const FieldValue* lookup(std::string_view dotted, const FieldPath* path) const;
  CachedField* find_live(std::string_view name) const;
  // The next free slot: a spare one left by reset() when there is one, else a new one.
  CachedField& next_slot(uint64_t tag) const;
  bool has_static_field(std::string_view dotted) const;

  std::shared_ptr<const InputInfo> input_;
  std::string raw_;  // holds simdjson's padding after raw_size_ bytes
  size_t raw_size_ = 0;
  uint64_t serial_ = 0;
  Body body_ = Body::kText;
  mutable bool json_error_ = false;
  LogSource logsource_;
  TimePoint receive_time_{};
  TimePoint event_time_{};
  InputPosition position_;
  mutable FieldSlots fields_;
  mutable std::shared_ptr<const std::string> rendered_;
  mutable bool rendered_error_ = false;
};

}  // namespace tripline
