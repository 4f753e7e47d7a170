// libFuzzer target: any bytes through the analyzer (tokenize, fold, stem,
// index terms, query terms) and language identification.
#include <xapian.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/analyzer.h"
#include "common/language.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static bilex::Analyzer analyzer;
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (const bilex::Token& t : analyzer.tokenize(text)) {
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
