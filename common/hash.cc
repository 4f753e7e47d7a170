#include "common/hash.h"

#include <cstdio>
#include <string>

namespace bilex {

uint64_t fnv1a(std::string_view s) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string content_hash(std::string_view s) {
  char out[17];
  std::snprintf(out, sizeof out, "%016llx",
                static_cast<unsigned long long>(fnv1a(s)));
  return out;
}

std::string bounded_term(std::string_view prefix, std::string_view value) {
  if (value.size() <= 200) return std::string(prefix) + std::string(value);
  return std::string(prefix) + "#" + content_hash(value);
}

}  // namespace bilex
