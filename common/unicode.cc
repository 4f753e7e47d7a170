#include "common/unicode.h"

#include <unicode/utf8.h>

#include "common/error.h"

namespace bilex {

void throw_if_failed(UErrorCode status, const char* what) {
  if (U_FAILURE(status)) {
    throw Error(std::string("ICU error in ") + what + ": " +
                u_errorName(status));
  }
}

std::string repair_utf8(std::string_view utf8, size_t* repaired) {
  std::string out;
  out.reserve(utf8.size());
  size_t count = 0;
  const auto* s = reinterpret_cast<const uint8_t*>(utf8.data());
  const auto length = static_cast<int32_t>(utf8.size());
  int32_t i = 0;
  while (i < length) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(s, i, length, c);
    if (c == 0) {
      ++count;
      continue;
    }
    if (c < 0) {
      ++count;
      out += "\xEF\xBF\xBD";
    } else {
      out.append(utf8.substr(start, i - start));
    }
  }
  if (repaired) *repaired = count;
  return out;
}

std::string to_utf8(const icu::UnicodeString& s) {
  std::string out;
  s.toUTF8String(out);
  return out;
}

size_t utf8_floor(std::string_view s, size_t max_bytes) {
  if (max_bytes >= s.size()) return s.size();
  size_t n = max_bytes;
  while (n > 0 && is_utf8_continuation(s[n])) --n;
  return n;
}

}  // namespace bilex
