// Snippets: the passage of an article that best shows why it matched, with
// every matching word marked, built with the same Analyzer as the index.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/analyzer.h"
#include "common/query.h"

namespace bilex {

struct Snippet {
  std::string text;  // UTF-8, whitespace runs collapsed, "…" at cuts
  std::vector<std::pair<size_t, size_t>> marks;  // byte ranges in `text`
};

// Picks the window of about `max_chars` characters that holds the most
// distinct query groups, closest together, and marks every token matched
// by a group. When nothing matches, returns the opening of `body`. Never
// cuts inside a word or a UTF-8 sequence.
[[nodiscard]] Snippet make_snippet(const Analyzer& analyzer,
                                   const std::string& body, Lang lang,
                                   const std::vector<MatchGroup>& groups,
                                   size_t max_chars);

}  // namespace bilex
