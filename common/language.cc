#include "common/language.h"

#include <algorithm>
#include <cctype>
#include <string>

#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>

#include "common/unicode.h"

namespace bilex {

std::string_view lang_code(Lang lang) {
  switch (lang) {
    case Lang::en:
      return "en";
    case Lang::es:
      return "es";
    case Lang::und:
      break;
  }
  return "und";
}

std::optional<Lang> parse_lang(std::string_view code) {
  std::string c(code);
  std::transform(c.begin(), c.end(), c.begin(),
                 [](unsigned char ch) { return std::tolower(ch); });
  if (c == "en" || c == "english") return Lang::en;
  if (c == "es" || c == "spanish") return Lang::es;
  if (c == "und") return Lang::und;
  return std::nullopt;
}

namespace {

Lang from_cld2(CLD2::Language l) {
  if (l == CLD2::ENGLISH) return Lang::en;
  if (l == CLD2::SPANISH) return Lang::es;
  return Lang::und;
}

// CLD2 scores case-sensitive quadgrams trained on ordinary text, so headlines
// in capitals (the Reuters style) read as noise; lower-case ASCII letters of a
// mostly upper-case text before scoring.
std::string prepare(std::string_view text) {
  std::string s = repair_utf8(text);
  size_t upper = 0, lower = 0;
  for (unsigned char ch : s) {
    if (std::isupper(ch)) ++upper;
    if (std::islower(ch)) ++lower;
  }
  if (upper > lower) {
    for (char& ch : s) ch = static_cast<char>(std::tolower(
                           static_cast<unsigned char>(ch)));
  }
  return s;
}

}  // namespace

LangGuess detect_language(std::string_view text) {
  const std::string s = prepare(text);
  CLD2::Language top3[3];
  int percent3[3];
  double score3[3];
  int text_bytes = 0;
  bool reliable = false;
  CLD2::ExtDetectLanguageSummary(
      s.data(), static_cast<int>(s.size()), /*is_plain_text=*/true,
      /*tld_hint=*/nullptr, /*encoding_hint=*/CLD2::UNKNOWN_ENCODING,
      CLD2::UNKNOWN_LANGUAGE, top3, percent3, score3, &text_bytes, &reliable);
  // An English article quoting Spanish comes back as {en 80%, es 20%}: the
  // larger of our two languages wins. Other languages only count as a
  // reason to say und when neither of ours is present.
  int en = 0, es = 0;
  for (int i = 0; i < 3; ++i) {
    const Lang l = from_cld2(top3[i]);
    if (l == Lang::en) en += percent3[i];
    if (l == Lang::es) es += percent3[i];
  }
  LangGuess g;
  if (en == 0 && es == 0) return g;
  g.lang = en >= es ? Lang::en : Lang::es;
  const int best = std::max(en, es);
  g.confidence = (best / 100.0) * (reliable ? 1.0 : 0.5);
  return g;
}

}  // namespace bilex
