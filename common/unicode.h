// The ICU boundary: UTF-8 <-> UTF-16 with byte offsets, repair, error checks.
#pragma once

#include <unicode/unistr.h>
#include <unicode/utypes.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bilex {

// Throws bilex::Error naming `what` when `status` is an ICU failure.
void throw_if_failed(UErrorCode status, const char* what);

// UTF-16 text with, for each UTF-16 unit, the byte offset in the UTF-8 source
// where its code point starts; offsets.back() is the source length.
struct Utf16Text {
  icu::UnicodeString text;
  std::vector<uint32_t> offsets;  // size text.length() + 1
};

// Decodes UTF-8; each ill-formed sequence becomes U+FFFD. Never throws on
// bad bytes.
[[nodiscard]] Utf16Text to_utf16(std::string_view utf8);

// Returns `s` with every ill-formed UTF-8 sequence replaced by U+FFFD and
// NUL bytes dropped; `repaired` (if given) receives the number of repairs.
[[nodiscard]] std::string repair_utf8(std::string_view s,
                                      size_t* repaired = nullptr);

[[nodiscard]] std::string to_utf8(const icu::UnicodeString& s);

// Byte length of the longest prefix of `s` no longer than `max_bytes` that
// ends on a code point boundary.
[[nodiscard]] size_t utf8_floor(std::string_view s, size_t max_bytes);

}  // namespace bilex
