// Dates as articles write them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace bilex {

// Normalizes a date written as YYYY-MM-DD (optionally followed by a time)
// to "YYYY-MM-DD"; nullopt when it is not a valid calendar date.
[[nodiscard]] std::optional<std::string> parse_iso_date(std::string_view s);

}  // namespace bilex
