// Stable hashes, and the terms that use them for values too long.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace bilex {

// 64-bit FNV-1a of `s`: stable across runs and builds.
[[nodiscard]] uint64_t fnv1a(std::string_view s);

// fnv1a of `s` as 16 hex digits.
[[nodiscard]] std::string content_hash(std::string_view s);

// prefix + value as a Xapian term; values too long for a term (Xapian takes
// at most 245 bytes) become prefix + "#" + their hash.
[[nodiscard]] std::string bounded_term(std::string_view prefix,
                                       std::string_view value);

}  // namespace bilex
