// Snippets: the passage of an article that best shows why it matched, with
// every matching word marked, built with the same Analyzer as the index.
#pragma once

#include <cstdint>
#include <functional>
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
// by a group. Between windows with as many groups, the one whose groups
// weigh more wins: `weights[g]` is group g's (its rarity, from
// group_weights()); a group without one weighs 1. When nothing matches,
// returns the opening of `body`. Never cuts inside a word or a UTF-8
// sequence.
[[nodiscard]] Snippet make_snippet(const Analyzer& analyzer,
                                   const std::string& body, Lang lang,
                                   const std::vector<MatchGroup>& groups,
                                   size_t max_chars,
                                   const std::vector<uint64_t>& weights = {});

// Each group's weight for make_snippet: the idf of the commonest of its
// terms (of the rarest word, for a phrase), log2 of the documents over
// those holding it, in thousandths; 0 for a prefix*. `termfreq` gives a
// term's number of documents, `doccount` the index's.
[[nodiscard]] std::vector<uint64_t> group_weights(
    const std::vector<MatchGroup>& groups, uint64_t doccount,
    const std::function<uint64_t(const std::string&)>& termfreq);

}  // namespace bilex
