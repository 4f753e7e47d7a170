#include "common/language.h"

#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>

#include <algorithm>
#include <cctype>
#include <string>

#include "common/stopwords.h"
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
    for (char& ch : s)
      ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  return s;
}

struct Cld2Result {
  int en = 0, es = 0;  // percent of the text
  bool other = false;  // another language was identified
  bool reliable = false;
};

Cld2Result run_cld2(const std::string& s, int flags) {
  CLD2::CLDHints hints = {nullptr, nullptr, CLD2::UNKNOWN_ENCODING,
                          CLD2::UNKNOWN_LANGUAGE};
  CLD2::Language top3[3];
  int percent3[3];
  double score3[3];
  int text_bytes = 0;
  Cld2Result r;
  CLD2::ExtDetectLanguageSummary(s.data(), static_cast<int>(s.size()),
                                 /*is_plain_text=*/true, &hints, flags, top3,
                                 percent3, score3, nullptr, &text_bytes,
                                 &r.reliable);
  for (int i = 0; i < 3; ++i) {
    const Lang l = from_cld2(top3[i]);
    if (l == Lang::en) r.en += percent3[i];
    if (l == Lang::es) r.es += percent3[i];
    if (l == Lang::und && top3[i] != CLD2::UNKNOWN_LANGUAGE &&
        top3[i] != CLD2::TG_UNKNOWN_LANGUAGE && percent3[i] > 0)
      r.other = true;
  }
  return r;
}

// Last resort for scraps CLD2 will not judge (tables of figures, a few
// words): count the function words that belong to one language only.
LangGuess vote_function_words(const std::string& s) {
  int en = 0, es = 0;
  std::string word;
  auto judge = [&] {
    if (word.empty()) return;
    const bool e = is_stopword(word, Lang::en), p = is_stopword(word, Lang::es);
    if (e && !p) ++en;
    if (p && !e) ++es;
    word.clear();
  };
  for (char c : s) {
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '\'') {
      word.push_back(
          static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    } else {
      judge();
    }
  }
  judge();
  LangGuess g;
  if (en == es) return g;
  g.lang = en > es ? Lang::en : Lang::es;
  g.confidence = 0.3;
  return g;
}

}  // namespace

LangGuess detect_language(std::string_view text) {
  const std::string s = prepare(text);
  // An English article quoting Spanish comes back as {en 80%, es 20%}: the
  // larger of our two languages wins. Other languages only count as a
  // reason to say und when neither of ours is present.
  Cld2Result r = run_cld2(s, 0);
  if (r.en == 0 && r.es == 0) {
    r = run_cld2(s, CLD2::kCLDFlagBestEffort);
    r.reliable = false;
  }
  if (r.en == 0 && r.es == 0) {
    if (r.other) return {};  // German, French…: neither of ours
    return vote_function_words(s);
  }
  LangGuess g;
  g.lang = r.en >= r.es ? Lang::en : Lang::es;
  g.confidence = (std::max(r.en, r.es) / 100.0) * (r.reliable ? 1.0 : 0.5);
  return g;
}

}  // namespace bilex
