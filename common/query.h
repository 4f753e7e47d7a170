// The query language: parses what a user typed into a Xapian query, using
// the Analyzer for every word, and remembers what to highlight.
#pragma once

#include <xapian.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/analyzer.h"

namespace bilex {

// What one positive query word or phrase matches, for the snippet
// highlighter: terms without field prefix. Threads: other threads may read
// a group (the snippet helper thread does) but must never copy or destroy
// its `query`: Xapian counts a query's references without atomics.
struct MatchGroup {
  std::vector<std::string> exact;  // exact terms (a word and its variants)
  std::vector<std::pair<Lang, std::string>> stems;  // stems per language
  std::vector<std::string> phrase;  // exact terms in order, for a phrase
  std::string prefix;               // for prefix*: exact terms starting so
  std::string label;                // as typed, for --explain
  Xapian::Query query;  // what the word or phrase matches, for --explain
};

// The most documents any of a word group's terms (its exact forms and its
// stems) is in, as `termfreq` counts them.
[[nodiscard]] uint64_t word_termfreq(
    const MatchGroup& g,
    const std::function<uint64_t(const std::string&)>& termfreq);

enum class MatchMode {
  ranked,  // all words first, then documents with only some of them
  all,
  any
};

// The parse of one query, for the thread that searches it (see MatchGroup).
struct ParsedQuery {
  Xapian::Query strict;   // every required part matched
  Xapian::Query relaxed;  // some part matched; empty when not applicable
  // Each part of `relaxed` when every part is one word (and nothing is
  // excluded): the word as typed and its terms, for estimating the matches
  // and telling which words a partial match lacks; else empty.
  struct Word {
    std::string label;
    std::vector<std::string> terms;
  };
  std::vector<Word> relaxed_words;
  Xapian::Query filter;  // lang: and date: filters; empty when none
  std::vector<MatchGroup> groups;
  // The query's language as its function words tell it, else und; the
  // other language's stems then weigh less, and the query language's
  // function words search none of them.
  Lang lang = Lang::und;
};

// Limits on one query: beyond them a query is refused (QueryError), as
// matching and highlighting cost grows faster than the number of words.
inline constexpr size_t kMaxQueryBytes = 64u << 10;
inline constexpr size_t kMaxQueryWords = 1024;

// Parses `text`: words, "phrases", prefix*, OR, AND, NOT, -word,
// parentheses, title:, lang:, date:FROM..TO (either end open). Never
// crashes on malformed input: stray operators and parentheses are dropped,
// an unterminated quote runs to the end. Throws QueryError for a value that
// cannot be understood (lang:xx, an invalid date) and for a query over the
// limits above. `db` supplies the accent
// variants of stems (may be null).
[[nodiscard]] ParsedQuery parse_query(std::string_view text,
                                      const Analyzer& analyzer,
                                      const Xapian::Database* db,
                                      MatchMode mode);

// A query that matches every document, made anew. Never copy Xapian's
// static Query::MatchAll: its reference count is not atomic, so two
// threads copying it corrupt it (a crash, or a spurious "corrupt
// database" error).
[[nodiscard]] Xapian::Query match_all();

// A value range on the date slot; `from`/`to` are YYYY-MM-DD or empty.
[[nodiscard]] Xapian::Query date_range(const std::string& from,
                                       const std::string& to);

}  // namespace bilex
