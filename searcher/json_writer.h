// JSON text written straight from values, without building a tree first:
// the same bytes as nlohmann::json's compact dump (no spaces, UTF-8 kept,
// invalid UTF-8 replaced by U+FFFD) of the same values. Object keys are
// written in the order given: callers give them sorted, as nlohmann's
// objects are.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bilex {

class JsonWriter {
 public:
  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }
  JsonWriter& key(std::string_view k);
  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(double x);
  JsonWriter& value(uint64_t n);
  JsonWriter& value(bool b);
  JsonWriter& null();
  JsonWriter& strings(const std::vector<std::string>& list);

  // The text written so far.
  [[nodiscard]] std::string take() { return std::move(out_); }

 private:
  JsonWriter& open(char c);
  JsonWriter& close(char c);
  void separate();  // a comma before the second and later items of a level

  std::string out_;
  std::vector<bool> first_;  // per open level: no item written yet
  bool after_key_ = false;
};

// `s` as a JSON string, quotes included.
void append_json_string(std::string* out, std::string_view s);

}  // namespace bilex
