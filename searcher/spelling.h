// Spelling suggestions' candidates one edit from a word.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace bilex {

// The distinct words one edit from `word` (a letter deleted, inserted or
// replaced, or two neighbours swapped; inserted and replacing letters from
// a-z and ñ, the letters of folded words), `word` left out. Empty for a
// word over kMaxEditLetters letters, whose variants would cost too many
// lookups.
[[nodiscard]] std::vector<std::string> one_edit_variants(
    const std::string& word);

inline constexpr size_t kMaxEditLetters = 24;

// Of the words one edit from `word`, the one held by the most documents by
// `freq` (the first in byte order among equals); "" when none is held.
[[nodiscard]] std::string most_frequent_one_edit(
    const std::string& word,
    const std::function<uint64_t(const std::string&)>& freq);

}  // namespace bilex
