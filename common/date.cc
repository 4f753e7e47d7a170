#include "common/date.h"

#include <algorithm>
#include <string>

#include "common/unicode.h"

namespace bilex {
namespace {

bool is_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(),
                                   [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::optional<std::string> parse_iso_date(std::string_view s) {
  s = trim_space(s);
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  const std::string_view y = s.substr(0, 4), m = s.substr(5, 2),
                         d = s.substr(8, 2);
  if (!is_digits(y) || !is_digits(m) || !is_digits(d)) return std::nullopt;
  if (s.size() > 10 && s[10] != ' ' && s[10] != 'T') return std::nullopt;
  const int year = std::stoi(std::string(y)), month = std::stoi(std::string(m)),
            day = std::stoi(std::string(d));
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1])
    return std::nullopt;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month == 2 && day == 29 && !leap) return std::nullopt;
  return std::string(s.substr(0, 10));
}

}  // namespace bilex
