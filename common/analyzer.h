// The analyzer: text -> tokens -> index terms. The only producer of terms,
// used unchanged by the indexer, the query builder and the snippet generator.
#pragma once

#include <unicode/uversion.h>
#include <xapian.h>

#include <bitset>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/language.h"

U_NAMESPACE_BEGIN
class BreakIterator;
class Normalizer2;
U_NAMESPACE_END

namespace bilex {

// One word of the analyzed text.
struct Token {
  // The exact term: NFKC, full case folding, diacritics removed except the
  // tilde of ñ; "U.S." -> "us", "242,000" -> "242000", ’ -> '.
  std::string term;
  // The case-folded form with its diacritics (the stemmer's input); empty
  // when it equals `term`.
  std::string accented;
  uint32_t begin = 0;  // byte offsets of the written word in the source text
  uint32_t end = 0;
  uint32_t pos = 0;  // word position; an alternative shares its word's
  // An extra term for the same written word ("d'Artagnan" also yields
  // "artagnan"); not counted as a word of its own.
  bool alternative = false;
  // Never treated as a stopword (dotted acronyms: "U.S." -> "us").
  bool keep = false;

  friend bool operator==(const Token&, const Token&) = default;
};

enum class Field { body, title };

// The stem terms one query word reaches in one language.
struct StemTerms {
  Lang lang;
  std::vector<std::string> terms;  // prefixed, e.g. "ZScomun"
};

// What one query word turned into.
struct WordTerms {
  std::string exact;             // prefixed exact term, e.g. "blinken"
  std::vector<StemTerms> stems;  // per language; empty for a stopword there
};

class TokenRun;

// Analysis of English and Spanish text.
// Not thread-safe (the ICU break iterator and the Snowball stemmers keep
// state): use one Analyzer per thread. Construction is cheap.
class Analyzer {
 public:
  Analyzer();
  ~Analyzer();
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;

  // Splits UTF-8 text (ill-formed bytes tolerated) into tokens, in order.
  // With `wanted`, a word whose term starts with a byte outside it may be
  // left out (the positions after it count it all the same), which spares
  // building the tokens no query term can match.
  [[nodiscard]] std::vector<Token> tokenize(
      std::string_view text, const std::bitset<256>* wanted = nullptr) const;

  // Offsets where `text` can be cut without changing its tokens: the tokens
  // of text[cut_before(t, a), cut_after(t, b)) are those of `text` in that
  // span (offsets and positions aside). cut_before gives at most `at`, or 0;
  // cut_after at least `at`, or text.size(): either goes to the end of the
  // text rather than search far.
  [[nodiscard]] size_t cut_before(std::string_view text, size_t at) const;
  [[nodiscard]] size_t cut_after(std::string_view text, size_t at) const;

  // Splits with ICU alone when off (default on: ASCII text is split by an
  // equivalent fast path). For verification.
  void set_ascii_fast_path(bool on);

  // The exact term of one written word: "Migración" -> "migracion".
  [[nodiscard]] std::string fold(std::string_view word) const;

  // Stem of a token in `lang` (en or es), folded like Token::term.
  [[nodiscard]] std::string stem(const Token& token, Lang lang) const;

  // Whether the exact term is a stopword of `lang` (en or es).
  [[nodiscard]] bool is_stopword(std::string_view term, Lang lang) const;

  // Stem languages used for a document of language `lang` (und: both).
  [[nodiscard]] static std::vector<Lang> stem_languages(Lang lang);

  // Term prefix of the stems of `lang` in `field`, e.g. "ZE", "SZS".
  [[nodiscard]] static std::string stem_prefix(Field field, Lang lang);
  [[nodiscard]] static std::string exact_prefix(Field field);

  // Receives, for accented words, (synonym key, stem term); see schema.h.
  using AccentSink = std::vector<std::pair<std::string, std::string>>;

  // Adds the terms of `text` to `doc`: exact terms with positions starting
  // at *pos (advanced past the text), and stems for `lang`, each with
  // `wdf_inc`. Stopwords get exact terms only (phrases keep them).
  // `accents` (optional) receives the accent-parity synonyms; `words`
  // (optional) the written words of 3+ letters, lower case with their
  // accents (and an accented word's folded form too), for the spelling
  // dictionary.
  void index_text(Xapian::Document& doc, std::string_view text, Lang lang,
                  Field field, Xapian::termpos* pos, Xapian::termcount wdf_inc,
                  AccentSink* accents,
                  std::vector<std::string>* words = nullptr) const;

  // Title words also count as body words, with this within-document weight.
  static constexpr Xapian::termcount kTitleWdf = 3;
  // Position gap between the title and the body, so no phrase spans both.
  static constexpr Xapian::termpos kTitleGap = 100;

  // Adds an article's words to `doc` as the index holds them: the title as
  // title words, then again as body words weighing kTitleWdf, a gap, the
  // body. `accents` receives the title's and body's accent synonyms;
  // `words` the body's words (index_text). The one recipe of the indexer,
  // the searcher (which analyzes stored articles again where their term
  // lists cost round trips), the tests and the tools.
  void index_article(Xapian::Document& doc, std::string_view title,
                     std::string_view body, Lang lang, AccentSink* accents,
                     std::vector<std::string>* words = nullptr) const;

  // The terms a query word reaches in `field`, in both languages; `db`
  // (optional) supplies the accented spellings' stems.
  [[nodiscard]] WordTerms query_terms(const Token& token, Field field,
                                      const Xapian::Database* db) const;

  // A description of the analysis settings, stored in the index so that a
  // change is detected.
  [[nodiscard]] static std::string signature();

 private:
  friend class TokenRun;  // one call of tokenize, in analyzer.cc

  [[nodiscard]] std::string fold_accents(std::string_view lower) const;
  void finish_token(std::vector<Token>* out, Token tok) const;

  std::unique_ptr<icu::BreakIterator> breaker_;
  const icu::Normalizer2* casefold_;       // NFKC_Casefold, owned by ICU
  const icu::Normalizer2* nfd_;            // owned by ICU
  std::vector<std::string> latin1_folds_;  // fold_accents of C3 80..BF
  mutable Xapian::Stem stem_en_;
  mutable Xapian::Stem stem_es_;
  // Stems of recent words per language: a direct-mapped table of words and
  // stems held in place, one cache line a slot, so that a lookup costs one
  // memory access (a hash map of strings cost three; docs/performance.md).
  struct alignas(64) StemSlot {
    uint8_t key_size = 0, stem_size = 0;
    bool used = false;
    char key[30];
    char stem[31];
  };
  mutable std::vector<StemSlot> stem_cache_[2];
  bool ascii_fast_path_ = true;
};

}  // namespace bilex
