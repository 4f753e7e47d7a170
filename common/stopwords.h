// Stopword lists, folded like Token::term (no accents, ñ kept).
#pragma once

#include <string_view>
#include <vector>

#include "common/language.h"

namespace bilex {

// Whether `term` is a stopword of `lang` (en or es; und: never).
[[nodiscard]] bool is_stopword(std::string_view term, Lang lang);

// The stopwords of `lang`, sorted (und: none).
[[nodiscard]] std::vector<std::string_view> stopwords(Lang lang);

}  // namespace bilex
