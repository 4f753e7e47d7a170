// libFuzzer target: any bytes as a text article, a JSON Lines record, a
// date and stored document data.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/article.h"
#include "common/date.h"
#include "common/document.h"
#include "common/error.h"
#include "common/stored.h"
#include "common/unicode.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string raw(reinterpret_cast<const char*>(data), size);
  const std::string text = bilex::repair_utf8(raw);  // as the readers do
  const bilex::Document d = bilex::parse_text_article(text, "fuzz/input.txt");
  (void)bilex::display_title(d);
  const bilex::Document back = bilex::from_stored(bilex::to_stored(d));
  if (back.body != d.body || back.title != d.title) __builtin_trap();
  try {
    (void)bilex::to_stored(bilex::parse_json_article(raw, "fuzz.jsonl:1"));
  } catch (const bilex::InputError&) {
  }
  (void)bilex::parse_iso_date(raw);
  (void)bilex::from_stored(raw);
  return 0;
}
