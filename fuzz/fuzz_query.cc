// libFuzzer target: any bytes as a query; it parses or is refused with a
// QueryError, never anything else.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/analyzer.h"
#include "common/error.h"
#include "common/query.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static bilex::Analyzer analyzer;
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (auto mode : {bilex::MatchMode::ranked, bilex::MatchMode::any}) {
    try {
      const bilex::ParsedQuery q =
          bilex::parse_query(text, analyzer, nullptr, mode);
      (void)q.strict.get_description();
    } catch (const bilex::QueryError&) {
    }
  }
  return 0;
}
