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

class Lexicon;

// A translation that a query word or phrase also searches (query
// bridging: the word's language's dictionary entry into the other).
struct BridgedWord {
  Lang lang = Lang::und;  // the translation's language
  std::string text;       // as the dictionary writes it: "frontera"
  // The query terms it matches (prefixed): its stem, or for a multiword
  // translation its exact terms in order, searched as a phrase.
  std::vector<std::string> terms;
  double weight = 0;  // beside the word's own terms, which weigh 1
};

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
  // Its translations searched too; their stems are also in `stems`, so
  // that snippets highlight them.
  std::vector<BridgedWord> bridged;
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
  // The query's language as its words tell it (function words, and with a
  // lexicon the words only one language has), else und; the
  // other language's stems then weigh less, and the query language's
  // function words search none of them.
  Lang lang = Lang::und;
};

// Where the parse reads term frequencies (bridging weighs a translation
// by its rarity): by default the index passed to parse_query; over remote
// shards, figures fetched beforehand in one round (Searcher).
struct TermStats {
  std::function<Xapian::doccount(const std::string&)> termfreq;
  Xapian::doccount doccount = 0;
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
// variants of stems (may be null), and the term frequencies unless `stats`
// is given. With an available `lexicon`, each word and phrase also searches
// its translations into the other language than the query's (both ways for
// a query of und language), weighted kBridgeWeight.
[[nodiscard]] ParsedQuery parse_query(std::string_view text,
                                      const Analyzer& analyzer,
                                      const Xapian::Database* db,
                                      MatchMode mode,
                                      const Lexicon* lexicon = nullptr,
                                      const TermStats* stats = nullptr);

// The weight of a word's translations beside the word itself
// (docs/ranking.md, experiment 11): below 1, so that a same-language match
// of the same strength ranks first.
inline constexpr double kBridgeWeight = 0.9;

// The translations searched for a word or phrase, at most, per language.
inline constexpr size_t kMaxTranslations = 6;

// A query that matches every document, made anew. Never copy Xapian's
// static Query::MatchAll: its reference count is not atomic, so two
// threads copying it corrupt it (a crash, or a spurious "corrupt
// database" error).
[[nodiscard]] Xapian::Query match_all();

// A value range on the date slot; `from`/`to` are YYYY-MM-DD or empty.
[[nodiscard]] Xapian::Query date_range(const std::string& from,
                                       const std::string& to);

}  // namespace bilex
