// The ICU boundary and UTF-8 helpers: repair, conversion, code points,
// error checks.
#pragma once

#include <unicode/unistr.h>
#include <unicode/utypes.h>

#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bilex {

// Throws bilex::Error naming `what` when `status` is an ICU failure.
void throw_if_failed(UErrorCode status, const char* what);

// Returns `s` with every ill-formed UTF-8 sequence replaced by U+FFFD and
// NUL bytes dropped; `repaired` (if given) receives the number of repairs.
[[nodiscard]] std::string repair_utf8(std::string_view s,
                                      size_t* repaired = nullptr);

[[nodiscard]] std::string to_utf8(const icu::UnicodeString& s);

// Whether `c` continues a UTF-8 sequence (10xxxxxx), so that no code point
// starts at it.
[[nodiscard]] inline bool is_utf8_continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// The number of code points of valid UTF-8 `s`.
[[nodiscard]] inline size_t utf8_code_points(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += is_utf8_continuation(c) ? 0 : 1;
  return n;
}

// Byte length of the longest prefix of `s` no longer than `max_bytes` that
// ends on a code point boundary.
[[nodiscard]] size_t utf8_floor(std::string_view s, size_t max_bytes);

// `s` without the ASCII white space at either end.
[[nodiscard]] inline std::string_view trim_space(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

}  // namespace bilex
