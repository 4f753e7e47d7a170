// The readers of article files and JSON Lines records.
#pragma once

#include <string>
#include <string_view>

#include "common/document.h"

namespace bilex {

// Parses the text of an article file (.txt, .md), taking metadata in the
// order of docs/formats.md: a front-matter block, a leading "date YYYY-MM-DD"
// marker, an ISO date alone on one of the first lines, the first line as the
// title when it reads as a headline. The metadata lines are removed from
// the body. `content` must be valid UTF-8.
[[nodiscard]] Document parse_text_article(std::string_view content,
                                          std::string id);

// Parses one JSON Lines record. Throws InputError with a short reason when
// the line is not a JSON object with a string "body". `fallback_id` is used
// when the record has no "id".
[[nodiscard]] Document parse_json_article(std::string_view line,
                                          std::string fallback_id);

}  // namespace bilex
