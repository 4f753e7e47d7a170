// The English-Spanish lexicon for query bridging: the translations of a
// word (or multiword unit) by its stems, and the language of the words only
// one language has, read from a table the build generates from Apertium's
// bilingual dictionaries and morphological analysers (apertium-eng-spa).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/language.h"

namespace bilex {

// One translation, as the table holds it.
struct Translation {
  std::string_view text;  // as the dictionary writes it: "frontera"
  // Its stem in the target language ("fronter"); empty for a multiword
  // translation ("Estados Unidos"), matched as a phrase.
  std::string_view stem;
  // The Spanish word it translates, folded as an exact term
  // ("deportacion"): one of the words whose stems are the key (deportación
  // and deporte share "deport"). Empty for an English word, a multiword
  // unit or a verb.
  std::string_view source;
};

// A sorted table mapped read-only into memory: opening it reads nothing,
// and a lookup is a binary search over its lines. Immutable once
// constructed: one Lexicon may be read from any number of threads at once.
class Lexicon {
 public:
  // The table's first line; a file without it is refused.
  static constexpr std::string_view kHeader =
      "# bilex lexicon 3: apertium-eng-spa bilingual dictionaries and "
      "analysers";

  // Maps the table at `path`. Never throws: a missing or malformed table
  // makes an unavailable lexicon whose note() says why.
  explicit Lexicon(const std::string& path);
  ~Lexicon();
  Lexicon(const Lexicon&) = delete;
  Lexicon& operator=(const Lexicon&) = delete;

  [[nodiscard]] bool available() const { return data_ != nullptr; }
  // Why the lexicon is unavailable ("" when it is available).
  [[nodiscard]] const std::string& note() const { return note_; }
  [[nodiscard]] const std::string& path() const { return path_; }

  // The translations into the other language of the words whose stems in
  // `from` (en or es) are `key`, space-separated ("border", "unit state"),
  // in the table's order; none when unknown. The views live as long as
  // the Lexicon.
  [[nodiscard]] std::vector<Translation> translate(Lang from,
                                                   std::string_view key) const;

  // The language whose morphological analyser alone reads `term` (a word's
  // exact term, Token::term): en or es; und for a word that both read
  // ("hospital") or neither (most names).
  [[nodiscard]] Lang word_language(std::string_view term) const;

  // The tag of the lines word_language() reads: "w<TAB>border<TAB>en".
  static constexpr std::string_view kWordTag = "w";
  // Ends a translation's fields with the word it translates:
  // "deportation:deport<deportacion" (Translation::source; optional).
  static constexpr char kSourceMark = '<';

  // The process's lexicon, opened on first use (thread-safe) from
  // $BILEX_LEXICON, else default_path().
  [[nodiscard]] static const Lexicon& instance();

  // share/bilex/en-es.lexicon beside the running executable's directory:
  // build/share/… in the build tree, PREFIX/share/… when installed.
  [[nodiscard]] static std::string default_path();

 private:
  std::string_view line_at(size_t offset) const;
  // The rest of the line whose first two fields are `key` ("en\tborder"),
  // from the tab after them; nullopt when no line has them.
  std::optional<std::string_view> find(std::string_view key) const;

  const char* data_ = nullptr;
  size_t size_ = 0;
  size_t body_ = 0;  // offset of the first line after the header
  std::string path_;
  std::string note_;
};

}  // namespace bilex
