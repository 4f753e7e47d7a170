#include "searcher/spelling.h"

#include <unicode/unistr.h>

#include <algorithm>

namespace bilex {

namespace {

std::u32string decode(const std::string& utf8) {
  const icu::UnicodeString u = icu::UnicodeString::fromUTF8(utf8);
  std::u32string out;
  for (int32_t i = 0; i < u.length(); i = u.moveIndex32(i, 1))
    out.push_back(static_cast<char32_t>(u.char32At(i)));
  return out;
}

std::string encode(const std::u32string& s) {
  std::string out;
  icu::UnicodeString::fromUTF32(reinterpret_cast<const UChar32*>(s.data()),
                                static_cast<int32_t>(s.size()))
      .toUTF8String(out);
  return out;
}

// The letters a folded word is made of.
std::u32string alphabet() {
  std::u32string a;
  for (char32_t c = U'a'; c <= U'z'; ++c) a.push_back(c);
  a.push_back(U'ñ');
  return a;
}

}  // namespace

std::vector<std::string> one_edit_variants(const std::string& word) {
  const std::u32string w = decode(word);
  if (w.empty() || w.size() > kMaxEditLetters) return {};
  static const std::u32string letters = alphabet();
  std::vector<std::u32string> v;
  for (size_t i = 0; i <= w.size(); ++i) {
    if (i < w.size()) v.push_back(w.substr(0, i) + w.substr(i + 1));
    if (i + 1 < w.size()) {
      std::u32string t = w;
      std::swap(t[i], t[i + 1]);
      v.push_back(t);
    }
    for (char32_t c : letters) {
      v.push_back(w.substr(0, i) + c + w.substr(i));
      if (i < w.size() && w[i] != c) {
        std::u32string t = w;
        t[i] = c;
        v.push_back(t);
      }
    }
  }
  std::vector<std::string> out;
  out.reserve(v.size());
  for (const std::u32string& s : v)
    if (s != w) out.push_back(encode(s));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string most_frequent_one_edit(
    const std::string& word,
    const std::function<uint64_t(const std::string&)>& freq) {
  std::string best;
  uint64_t best_freq = 0;
  for (const std::string& v : one_edit_variants(word)) {
    const uint64_t f = freq(v);
    if (f > best_freq) {
      best_freq = f;
      best = v;
    }
  }
  return best;
}

}  // namespace bilex
