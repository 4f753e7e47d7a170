// libFuzzer target: the first line is a query, the rest an article; the
// snippet is built, its marks must lie inside its text, and it must be the
// one an analyzer without the ASCII fast path builds (which tokenizes the
// whole article with ICU: no cuts, no words left out).
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/analyzer.h"
#include "common/error.h"
#include "common/query.h"
#include "common/snippet.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static bilex::Analyzer analyzer;
  static bilex::Analyzer icu_only;
  static const bool icu_alone = (icu_only.set_ascii_fast_path(false), true);
  (void)icu_alone;
  const std::string input(reinterpret_cast<const char*>(data), size);
  const size_t nl = input.find('\n');
  const std::string query = input.substr(0, nl);
  const std::string body =
      nl == std::string::npos ? std::string() : input.substr(nl + 1);
  bilex::ParsedQuery q;
  try {
    q = bilex::parse_query(query, analyzer, nullptr, bilex::MatchMode::ranked);
  } catch (const bilex::QueryError&) {
    return 0;
  }
  for (bilex::Lang lang :
       {bilex::Lang::en, bilex::Lang::es, bilex::Lang::und}) {
    for (size_t chars : {size_t{20}, size_t{200}}) {
      const bilex::Snippet s =
          bilex::make_snippet(analyzer, body, lang, q.groups, chars);
      for (const auto& [b, e] : s.marks)
        if (b > e || e > s.text.size()) __builtin_trap();
      const bilex::Snippet full =
          bilex::make_snippet(icu_only, body, lang, q.groups, chars);
      if (s.text != full.text || s.marks != full.marks) __builtin_trap();
    }
  }
  return 0;
}
