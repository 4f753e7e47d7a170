// The document model: an article's fields and the limits on them.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/language.h"

namespace bilex {

struct Document {
  std::string id;     // stable: path relative to its root, or the JSONL id
  std::string title;  // may be empty; see display_title()
  std::string date;   // "YYYY-MM-DD" or empty
  Lang lang = Lang::und;
  bool lang_given = false;  // from front matter, JSON or --lang
  std::string body;
};

// Limits on one document, applied by the readers after parsing. A longer
// id refuses the document (an id cut short could name another one); a
// longer title or body is cut, on a word boundary where one is near, and
// the document indexed with a warning. They bound the memory one document
// takes to analyze (about 20 times its text).
inline constexpr size_t kMaxIdBytes = 4096;
inline constexpr size_t kMaxTitleBytes = 1000;
inline constexpr size_t kMaxBodyBytes = 8u << 20;

// Applies the limits to `doc`: throws InputError with the reason when the
// document is refused; appends a warning for each cut.
void enforce_limits(Document& doc, std::vector<std::string>* warnings);

// The title to show: the title, else the file name of the id.
[[nodiscard]] std::string display_title(const Document& doc);

}  // namespace bilex
