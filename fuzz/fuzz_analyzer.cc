// libFuzzer target: any bytes through the analyzer (tokenize, fold, stem,
// index terms, query terms) and language identification; on valid UTF-8
// (what the readers hand over) the fast paths must split exactly as ICU.
#include <xapian.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/analyzer.h"
#include "common/language.h"
#include "common/unicode.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static bilex::Analyzer analyzer;
  static bilex::Analyzer& icu_only = []() -> bilex::Analyzer& {
    static bilex::Analyzer a;  // ICU's word breaks alone
    a.set_ascii_fast_path(false);
    return a;
  }();
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::vector<bilex::Token> tokens = analyzer.tokenize(text);
  if (bilex::repair_utf8(text) == text) {
    if (tokens != icu_only.tokenize(text)) __builtin_trap();
  }
  for (const bilex::Token& t : tokens) {
    if (t.begin > t.end || t.end > text.size()) __builtin_trap();
    (void)analyzer.query_terms(t, bilex::Field::body, nullptr);
  }
  Xapian::Document doc;
  Xapian::termpos pos = 0;
  bilex::Analyzer::AccentSink accents;
  std::vector<std::string> words;
  const bilex::Lang lang = bilex::detect_language(text).lang;
  analyzer.index_text(doc, text, lang, bilex::Field::body, &pos, 1, &accents,
                      &words);
  (void)analyzer.fold(text.substr(0, 64));
  return 0;
}
