#include "common/analyzer.h"

#include <unicode/brkiter.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "common/error.h"
#include "common/hash.h"
#include "common/schema.h"
#include "common/stopwords.h"
#include "common/unicode.h"

namespace bilex {
namespace {

// Longer "words" are base64, hashes or run-together URLs: not indexed.
constexpr size_t kMaxTermBytes = 64;
// Slots per language in the stem cache (1 MiB each).
constexpr size_t kStemCacheSlots = 1 << 14;

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x80;
  });
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

unsigned char ascii_lower(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u >= 'A' && u <= 'Z') ? u + 32 : u;
}

void append_utf8(std::string* out, UChar32 c) {
  char buf[4];
  int32_t n = 0;
  UBool error = false;
  U8_APPEND(reinterpret_cast<uint8_t*>(buf), n, 4, c, error);
  if (!error) out->append(buf, static_cast<size_t>(n));
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

// The stemmers know only the ASCII apostrophe.
void plain_apostrophes(std::string* s) {
  if (s->find("\u2019") == std::string::npos &&
      s->find("\u02BC") == std::string::npos)
    return;
  std::string out;
  for (size_t i = 0; i < s->size();) {
    const std::string_view rest = std::string_view(*s).substr(i);
    if (rest.starts_with("\u2019") || rest.starts_with("\u02BC")) {
      out.push_back('\'');
      i += 3;
    } else {
      out.push_back((*s)[i++]);
    }
  }
  s->swap(out);
}

}  // namespace

Analyzer::Analyzer() : stem_en_("english"), stem_es_("spanish") {
  UErrorCode status = U_ZERO_ERROR;
  breaker_.reset(
      icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
  throw_if_failed(status, "BreakIterator::createWordInstance");
  casefold_ = icu::Normalizer2::getNFKCCasefoldInstance(status);
  throw_if_failed(status, "Normalizer2::getNFKCCasefoldInstance");
  nfd_ = icu::Normalizer2::getNFDInstance(status);
  throw_if_failed(status, "Normalizer2::getNFDInstance");
  std::vector<std::string> folds;
  for (int c = 0x80; c <= 0xBF; ++c)
    folds.push_back(fold_accents(std::string{'\xC3', static_cast<char>(c)}));
  latin1_folds_ = std::move(folds);
}

Analyzer::~Analyzer() = default;

namespace {

// Whether LOWER is ASCII with Latin-1 letters (C3 80..BF) only.
bool ascii_and_latin1_letters(std::string_view lower) {
  const auto* b = reinterpret_cast<const unsigned char*>(lower.data());
  bool latin1 = true;
  for (size_t i = 0; i < lower.size() && latin1; ++i) {
    if (b[i] < 0x80) continue;
    latin1 = b[i] == 0xC3 && i + 1 < lower.size() && b[i + 1] >= 0x80 &&
             b[i + 1] <= 0xBF;
    ++i;
  }
  return latin1;
}

// Folds text that ascii_and_latin1_letters holds of by FOLDS, the folding
// of each Latin-1 letter C3 80..BF.
std::string fold_latin1(std::string_view lower,
                        const std::vector<std::string>& folds) {
  const auto* b = reinterpret_cast<const unsigned char*>(lower.data());
  std::string out;
  out.reserve(lower.size());
  for (size_t i = 0; i < lower.size(); ++i) {
    if (b[i] < 0x80)
      out.push_back(static_cast<char>(b[i]));
    else
      out += folds[b[++i] - 0x80];
  }
  return out;
}

// Appends the folding of C, a code point of 0x80 or above that is no
// apostrophe, ñ or combining mark; returns whether it was Latin.
bool append_folded(std::string* out, UChar32 c, const icu::Normalizer2& nfd) {
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString decomposed;
  if (nfd.getDecomposition(c, decomposed) &&
      uscript_getScript(decomposed.char32At(0), &status) == USCRIPT_LATIN) {
    for (int32_t j = 0; j < decomposed.length();) {
      const UChar32 d = decomposed.char32At(j);
      j += U16_LENGTH(d);
      if (u_charType(d) != U_NON_SPACING_MARK) append_utf8(out, d);
    }
    return true;
  }
  append_utf8(out, c);
  return uscript_getScript(c, &status) == USCRIPT_LATIN;
}

}  // namespace

std::string Analyzer::fold_accents(std::string_view lower) const {
  if (is_ascii(lower)) return std::string(lower);
  // ASCII with Latin-1 letters, most of Spanish: from the table of each
  // letter's folding that the constructor made with the rules below.
  if (!latin1_folds_.empty() && ascii_and_latin1_letters(lower))
    return fold_latin1(lower, latin1_folds_);
  std::string out;
  out.reserve(lower.size());
  const auto* s = reinterpret_cast<const uint8_t*>(lower.data());
  const auto n = static_cast<int32_t>(lower.size());
  bool after_latin = false;
  for (int32_t i = 0; i < n;) {
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (c < 0) c = 0xFFFD;
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      after_latin = true;
    } else if (c == 0x2019 || c == 0x02BC) {  // typographic apostrophes
      out.push_back('\'');
    } else if (c == 0x00F1) {  // ñ is a letter of its own in Spanish
      append_utf8(&out, c);
      after_latin = true;
    } else if (u_charType(c) == U_NON_SPACING_MARK) {
      if (!after_latin) append_utf8(&out, c);
    } else {
      after_latin = append_folded(&out, c, *nfd_);
    }
  }
  return out;
}

namespace {

// "@user" is a mention of "user", as "#tag" is of "tag"; "242,000",
// "242.000" and "242000" are one number, and "3,5" becomes "35".
void drop_mention_and_number_marks(Token& tok) {
  std::string& t = tok.term;
  while (!t.empty() && t.front() == '@') {
    t.erase(0, 1);
    if (!tok.accented.empty()) tok.accented.erase(0, 1);
  }
  if (t.empty()) return;
  if (is_digit(t.front()) && std::all_of(t.begin(), t.end(), [](char c) {
        return is_digit(c) || c == ',' || c == '.';
      })) {
    std::erase_if(t, [](char c) { return c == ',' || c == '.'; });
    tok.accented.clear();
  }
}

// A term with '.' or '@': an acronym loses its dots ("U.S." -> "us",
// "EE.UU." -> "eeuu"); else ("example.com", "ana@example.com") the whole
// stays and each part is an alternative.
void split_dotted(Token& tok, std::vector<Token>* alternatives) {
  std::string& t = tok.term;
  std::vector<std::string_view> parts;
  for (auto p : split(t, '@'))
    for (auto q : split(p, '.')) parts.push_back(q);
  const bool acronym =
      t.find('@') == std::string::npos &&
      std::all_of(parts.begin(), parts.end(), [](auto p) {
        return !p.empty() && utf8_code_points(p) <= 2 && !is_digit(p.front());
      });
  if (acronym) {
    std::erase(t, '.');
    tok.accented.clear();
    tok.keep = true;
    return;
  }
  for (auto p : parts) {
    if (p.empty()) continue;
    Token alt = tok;
    alt.term = std::string(p);
    alt.accented.clear();
    alt.alternative = true;
    alternatives->push_back(std::move(alt));
  }
}

// Elision: "d'artagnan", "l'oreal", "o'brien" also yield the word after
// the apostrophe. "don't" and "biden's" stay whole (the stemmer strips
// the possessive).
void add_elided(const Token& tok, std::vector<Token>* alternatives) {
  const std::string& t = tok.term;
  const size_t apo = t.find('\'');
  if (apo != 1 || t.size() - apo - 1 < 3) return;
  Token alt = tok;
  alt.term = t.substr(apo + 1);
  alt.accented = tok.accented.empty()
                     ? std::string()
                     : tok.accented.substr(tok.accented.find('\'') + 1);
  alt.alternative = true;
  alternatives->push_back(std::move(alt));
}

}  // namespace

// Applies the rules for numbers, dotted words and apostrophes, then appends
// the token (and its alternatives) to `out`.
void Analyzer::finish_token(std::vector<Token>* out, Token tok) const {
  std::string& t = tok.term;
  // Rules of underscores ("____") are no words.
  if (std::all_of(t.begin(), t.end(), [](char c) { return c == '_'; })) return;
  drop_mention_and_number_marks(tok);
  if (t.empty()) return;
  std::vector<Token> alternatives;
  if (t.find_first_of(".@") != std::string::npos)
    split_dotted(tok, &alternatives);
  add_elided(tok, &alternatives);
  if (t.empty() || t.size() > kMaxTermBytes) return;
  if (tok.accented == t) tok.accented.clear();
  out->push_back(std::move(tok));
  for (auto& alt : alternatives) {
    if (!alt.term.empty() && alt.term.size() <= kMaxTermBytes &&
        alt.term != out->back().term) {
      out->push_back(std::move(alt));
    }
  }
}

namespace {

// ICU counts '@' as a letter ("seti@home" is one word, "@user" starts at
// the '@').
bool is_ascii_letter(unsigned char c) {
  return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '@';
}

bool is_ascii_space(unsigned char c) {
  return c == ' ' || (c >= '\t' && c <= '\r');
}

constexpr bool is_ascii_alpha(int c) {
  return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

// The end of the run of ASCII letters of s[j, n) starting at j. Sixteen
// bytes at a time where SSE2 is there: the end of a word is not a branch
// to predict (it was one missed branch a word).
size_t skip_ascii_letters(const unsigned char* s, size_t j, size_t n) {
#if defined(__SSE2__)
  const __m128i case_bit = _mm_set1_epi8(0x20);
  const __m128i before_a = _mm_set1_epi8('a' - 1);
  const __m128i after_z = _mm_set1_epi8('z' + 1);
  while (j + 16 <= n) {
    // Bytes of 0x80 and more are negative: never between 'a' and 'z'.
    const __m128i lower = _mm_or_si128(
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + j)), case_bit);
    const __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(lower, before_a),
                                         _mm_cmplt_epi8(lower, after_z));
    const unsigned others =
        ~static_cast<unsigned>(_mm_movemask_epi8(letter)) & 0xFFFFu;
    if (others != 0) return j + static_cast<size_t>(__builtin_ctz(others));
    j += 16;
  }
#endif
  while (j < n && is_ascii_alpha(s[j])) ++j;
  return j;
}

// Classes of bytes for the tokenizer's commonest pieces: ASCII whitespace,
// printable ASCII that is neither a letter, a digit, '_' nor '@' (it never
// belongs to a word but as '.' or '\'' between letters or digits), the
// first bytes of other_punct_bytes' characters; 0 for the rest.
enum ByteClass : unsigned char { kOther, kSpace, kPunct, kLead };
constexpr auto kByteClass = [] {
  std::array<ByteClass, 256> t{};
  for (int c = 0; c < 256; ++c) {
    if (c == ' ' || (c >= '\t' && c <= '\r')) {
      t[c] = kSpace;
    } else if (c > ' ' && c < 0x7F && !is_ascii_alpha(c) &&
               !(c >= '0' && c <= '9') && c != '_' && c != '@') {
      t[c] = kPunct;
    } else if (c == 0xC2 || c == 0xE2) {
      t[c] = kLead;
    }
  }
  return t;
}();

// A Latin-1 letter, À..ÿ but × and ÷, is two bytes C3 80..BF: UAX #29
// treats it as it does an ASCII letter.
bool is_latin1_letter(const unsigned char* s, size_t i, size_t n) {
  return s[i] == 0xC3 && i + 1 < n && s[i + 1] >= 0x80 && s[i + 1] <= 0xBF &&
         s[i + 1] != 0x97 && s[i + 1] != 0xB7;
}

// The bytes of the punctuation at s[i] that news in Spanish uses most and
// that, as ASCII punctuation, is never part of a word (Word_Break Other:
// no-break space ¡ « » ¿ – — “ ” …), or 0. Not ‘ and ’: they join letters
// as '\'' does.
size_t other_punct_bytes(const unsigned char* s, size_t i, size_t n) {
  if (s[i] == 0xC2 && i + 1 < n) {
    const unsigned char b = s[i + 1];
    return b == 0xA0 || b == 0xA1 || b == 0xAB || b == 0xBB || b == 0xBF ? 2
                                                                         : 0;
  }
  if (s[i] == 0xE2 && i + 2 < n && s[i + 1] == 0x80) {
    const unsigned char b = s[i + 2];
    return b == 0x93 || b == 0x94 || b == 0x9C || b == 0x9D || b == 0xA6 ? 3
                                                                         : 0;
  }
  return 0;
}

// The bytes of the punctuation at s[i], ASCII or other_punct_bytes', or 0.
inline size_t punct_bytes(const unsigned char* s, size_t i, size_t n) {
  const ByteClass b = kByteClass[s[i]];
  if (b == kPunct) return 1;
  return b == kLead ? other_punct_bytes(s, i, n) : 0;
}

// NFKC_Casefold of a Latin-1 letter (second byte `b` of C3 b), appended as
// UTF-8: upper case À..Þ to lower case, ß to "ss", the rest as it is.
// Returns the second byte appended, 0 for "ss".
// The second byte of a Latin-1 letter's lower case (ß, 9F, aside).
unsigned char latin1_lower(unsigned char b) {
  return static_cast<unsigned char>(b <= 0x9E ? b + 0x20 : b);
}

unsigned char casefold_latin1(unsigned char b, std::string* out) {
  if (b == 0x9F) {
    out->append("ss");
    return 0;
  }
  const unsigned char lower = latin1_lower(b);
  out->push_back(static_cast<char>(0xC3));
  out->push_back(static_cast<char>(lower));
  return lower;
}

// The lower case of the ASCII word `written`, written into `term` (resized
// to fit).
void lower_ascii(std::string_view written, std::string* term) {
  term->resize(written.size());
  std::transform(written.begin(), written.end(), term->begin(),
                 [](char c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; });
}

// Whether none of finish_token's rules touch the written word: letters (and
// digits after them) alone.
bool plain_word(std::string_view written) {
  return !is_digit(written.front()) &&
         std::none_of(written.begin(), written.end(), [](char c) {
           return c == '_' || c == '@' || c == '.' || c == '\'';
         });
}

// The end of the run of ASCII and Latin-1 letters and digits at s[j]:
// clears *ascii at a Latin-1 letter, sets *digits at a digit.
size_t skip_letters_digits(const unsigned char* s, size_t j, size_t n,
                           bool* ascii, bool* digits) {
  while (true) {
    j = skip_ascii_letters(s, j, n);
    if (j == n) return j;
    if (is_digit(static_cast<char>(s[j]))) {
      *digits = true;
      ++j;
    } else if (is_latin1_letter(s, j, n)) {
      *ascii = false;
      j += 2;
    } else {
      return j;
    }
  }
}

// The end of the piece (up to ASCII whitespace) starting at s[i]; clears
// *latin1 when it holds more than ASCII and Latin-1 letters.
size_t piece_end(const unsigned char* s, size_t i, size_t n, bool* latin1) {
  size_t e = i;
  while (e < n && !is_ascii_space(s[e])) {
    if (s[e] >= 0x80) {
      if (*latin1 && is_latin1_letter(s, e, n)) {
        e += 2;
        continue;
      }
      *latin1 = false;
    }
    ++e;
  }
  return e;
}

// Kind of the character at s[j] of a piece of ASCII and Latin-1 letters:
// 'L' letter (an ASCII or Latin-1 one, or '@'), 'D' digit, '_', or 0 for
// anything else; *len its bytes.
char char_kind(const unsigned char* s, size_t j, size_t* len) {
  *len = 1;
  if (s[j] >= 0x80) {
    *len = 2;  // a Latin-1 letter: the piece holds no other non-ASCII
    return 'L';
  }
  if (is_ascii_letter(s[j])) return 'L';
  if (s[j] >= '0' && s[j] <= '9') return 'D';
  return s[j] == '_' ? '_' : 0;
}

// Whether `mid` between characters of kinds `last` and `next` keeps them one
// word: letters around '.' or '\'', digits around '.', ',', ';' or '\''
// (UAX #29 WB6, WB7, WB11, WB12).
bool joins_kinds(char last, unsigned char mid, char next) {
  return (last == 'L' && next == 'L' && (mid == '.' || mid == '\'')) ||
         (last == 'D' && next == 'D' &&
          (mid == '.' || mid == ',' || mid == ';' || mid == '\''));
}

}  // namespace

// One call of Analyzer::tokenize: the text, the tokens so far and the word
// position, the pending run of pieces for ICU.
class TokenRun {
 public:
  TokenRun(const Analyzer& analyzer, std::string_view text,
           const std::bitset<256>* wanted);
  TokenRun(const TokenRun&) = delete;
  TokenRun& operator=(const TokenRun&) = delete;

  // ICU's word breaks over [begin, end).
  void icu_words(size_t begin, size_t end);
  // All the text: ASCII and Latin-1 pieces here, the rest by ICU.
  void fast_words();
  std::vector<Token> take() { return std::move(out_); }

 private:
  void emit(size_t start, size_t end, bool ascii, bool latin1);
  void emit_ascii(size_t start, size_t end);
  void fold_latin1(std::string_view written, Token* tok) const;
  bool fold_icu(std::string_view written, Token* tok) const;
  void flush_icu();
  bool unwanted(size_t start, size_t end) const;
  size_t skip_punct(size_t j) const;
  bool gap(size_t j) const;
  bool simple_end(size_t j, bool digits) const;
  size_t simple_piece(size_t i);
  void latin1_words(size_t i, size_t e);
  size_t latin1_word_end(size_t j, size_t e, char k, bool* ascii,
                         bool* special) const;

  const Analyzer& an_;
  const std::string_view text_;
  const unsigned char* const s_;  // text_'s bytes
  const size_t n_;
  const std::bitset<256>* const wanted_;
  std::vector<Token> out_;
  uint32_t pos_ = 0;
  size_t icu_begin_ = 0, icu_end_ = 0;  // pending run of non-ASCII pieces
  // One UText, reopened on each range.
  std::unique_ptr<UText, decltype(&utext_close)> ut_{nullptr, &utext_close};
};

TokenRun::TokenRun(const Analyzer& analyzer, std::string_view text,
                   const std::bitset<256>* wanted)
    : an_(analyzer),
      text_(text),
      s_(reinterpret_cast<const unsigned char*>(text.data())),
      n_(text.size()),
      wanted_(wanted) {
  // About a token per 4 to 6 bytes: growing the vector as it fills was a
  // third of the tokenizer's time (each step moves every token).
  out_.reserve(std::min<size_t>(n_ / 4 + 1, size_t{1} << 16));
}

// One written word [start, end) of the text; `ascii` when it is known to be.
// `latin1`: it holds Latin-1 letters and is otherwise ASCII.
void TokenRun::emit(size_t start, size_t end, bool ascii, bool latin1) {
  const std::string_view written = text_.substr(start, end - start);
  // Most words are plain, folded straight into place (ASCII here, Latin-1
  // in the branch for it).
  const bool plain = plain_word(written);
  if (plain && ascii && written.size() <= kMaxTermBytes) {
    emit_ascii(start, end);
    return;
  }
  Token tok;
  tok.begin = static_cast<uint32_t>(start);
  tok.end = static_cast<uint32_t>(end);
  tok.pos = pos_;
  if (latin1) {
    fold_latin1(written, &tok);
    if (plain) {  // none of finish_token's rules apply
      if (tok.term.size() > kMaxTermBytes) return;
      if (tok.accented == tok.term) tok.accented.clear();
      out_.push_back(std::move(tok));
      ++pos_;
      return;
    }
  } else if (ascii || is_ascii(written)) {
    lower_ascii(written, &tok.term);
  } else if (!fold_icu(written, &tok)) {
    return;
  }
  const size_t before = out_.size();
  an_.finish_token(&out_, std::move(tok));
  if (out_.size() != before) ++pos_;
}

// A plain ASCII word of at most kMaxTermBytes: its term is its lower case.
void TokenRun::emit_ascii(size_t start, size_t end) {
  Token& t = out_.emplace_back();
  t.begin = static_cast<uint32_t>(start);
  t.end = static_cast<uint32_t>(end);
  t.pos = pos_++;
  lower_ascii(text_.substr(start, end - start), &t.term);
}

// A word of ASCII and Latin-1 letters only: case-folded as ICU would, and
// each letter's accents stripped by the table fold_accents uses.
void TokenRun::fold_latin1(std::string_view written, Token* tok) const {
  tok->accented.reserve(written.size());
  tok->term.reserve(written.size());
  const auto* w = reinterpret_cast<const unsigned char*>(written.data());
  for (size_t k = 0; k < written.size(); ++k) {
    if (w[k] < 0x80) {
      const char c =
          static_cast<char>((w[k] >= 'A' && w[k] <= 'Z') ? w[k] + 32 : w[k]);
      tok->accented.push_back(c);
      tok->term.push_back(c);
    } else {
      const unsigned char b = casefold_latin1(w[++k], &tok->accented);
      tok->term += b ? std::string_view(an_.latin1_folds_[b - 0x80])
                     : std::string_view("ss");
    }
  }
}

// Any other word, folded by ICU (NFKC_Casefold, then fold_accents). False
// when nothing of it is left to index.
bool TokenRun::fold_icu(std::string_view written, Token* tok) const {
  UErrorCode status = U_ZERO_ERROR;
  const icu::UnicodeString folded = an_.casefold_->normalize(
      icu::UnicodeString::fromUTF8(icu::StringPiece(
          written.data(), static_cast<int32_t>(written.size()))),
      status);
  throw_if_failed(status, "Normalizer2::normalize");
  tok->accented = to_utf8(folded);
  plain_apostrophes(&tok->accented);
  tok->term = an_.fold_accents(tok->accented);
  // Zero-width and soft-hyphen characters vanish in NFKC_Casefold;
  // U+FFFD from repaired bytes is not a letter.
  std::erase(tok->term, '\0');
  return !tok->term.empty() && tok->term != "\xEF\xBF\xBD";
}

// The break iterator reads the UTF-8 directly (ill-formed bytes read as
// U+FFFD). Spaces, punctuation, symbols and emoji have status
// UBRK_WORD_NONE.
void TokenRun::icu_words(size_t begin, size_t end) {
  UErrorCode status = U_ZERO_ERROR;
  UText* opened = utext_openUTF8(ut_.get(), text_.data() + begin,
                                 static_cast<int64_t>(end - begin), &status);
  throw_if_failed(status, "utext_openUTF8");
  if (!ut_) ut_.reset(opened);
  icu::BreakIterator& breaker = *an_.breaker_;
  breaker.setText(ut_.get(), status);
  throw_if_failed(status, "BreakIterator::setText");
  int32_t start = breaker.first();
  for (int32_t stop = breaker.next(); stop != icu::BreakIterator::DONE;
       start = stop, stop = breaker.next()) {
    if (breaker.getRuleStatus() < UBRK_WORD_NUMBER) continue;
    emit(begin + static_cast<size_t>(start), begin + static_cast<size_t>(stop),
         false, false);
  }
}

void TokenRun::flush_icu() {
  if (icu_end_ > icu_begin_) icu_words(icu_begin_, icu_end_);
  icu_begin_ = icu_end_ = 0;
}

// Whether the plain word starting at `start` is left out: its term cannot
// start with a wanted byte (a term is never longer than its word here).
bool TokenRun::unwanted(size_t start, size_t end) const {
  if (!wanted_ || end - start > kMaxTermBytes) return false;
  unsigned char first = ascii_lower(static_cast<char>(s_[start]));
  if (s_[start] >= 0x80) {  // C3 b: ß, or a letter cased as ICU would
    const unsigned char b = s_[start + 1];
    first = b == 0x9F ? 's' : an_.latin1_folds_[latin1_lower(b) - 0x80][0];
  }
  return !wanted_->test(first);
}

// A word never spans ASCII whitespace, so the text is cut there into
// pieces. A piece of ASCII is split here with the ASCII subset of the same
// rules (most of English and much of Spanish); runs of pieces with other
// characters go to ICU. The result is ICU's, only faster (checked against
// ICU by bilex-lab tokcheck and the analyzer tests).
void TokenRun::fast_words() {
  size_t i = 0;
  while (i < n_) {
    while (i < n_ && is_ascii_space(s_[i])) ++i;
    if (i == n_) break;
    if (const size_t e = simple_piece(i); e > 0) {
      i = e;
      continue;
    }
    bool latin1 = true;  // ASCII and Latin-1 letters only
    const size_t e = piece_end(s_, i, n_, &latin1);
    if (latin1) {
      flush_icu();
      latin1_words(i, e);
    } else {
      if (icu_end_ == icu_begin_) icu_begin_ = i;
      icu_end_ = e;
    }
    i = e;
  }
  flush_icu();
}

// The end of the punctuation starting at s[j].
size_t TokenRun::skip_punct(size_t j) const {
  while (j < n_) {
    const size_t len = punct_bytes(s_, j, n_);
    if (len == 0) break;
    j += len;
  }
  return j;
}

// Whether s[j] is where a word cannot go on: the piece's end or
// punctuation.
bool TokenRun::gap(size_t j) const {
  return j == n_ || kByteClass[s_[j]] == kSpace || punct_bytes(s_, j, n_) > 0;
}

// Whether the word of letters and digits ending at s[j] ends the piece or
// punctuation that does not join it to what follows: letters around '.' or
// '\'', digits around '.', ',', ';' or '\'' are one word (UAX #29 WB6, WB7,
// WB11, WB12).
bool TokenRun::simple_end(size_t j, bool digits) const {
  if (j == n_ || kByteClass[s_[j]] == kSpace) return true;
  const unsigned char c = s_[j];
  const bool joins =
      c == '.' || c == '\'' || (digits && (c == ',' || c == ';'));
  return punct_bytes(s_, j, n_) > 0 && (!joins || gap(j + 1));
}

// The commonest piece, words of ASCII and Latin-1 letters and digits
// between punctuation ("(border," "well-known" "está." "“2017”"), is split
// here in one pass: its words are its runs of letters and digits. A piece
// with anything else ('_', '@', a '.' or '\'' before a letter or digit, a
// ',' or ';' after a digit, other characters) is left to the general loop:
// returns 0, with what it added undone. Else the end of the piece starting
// at i.
size_t TokenRun::simple_piece(size_t i) {
  size_t out_before = 0;
  uint32_t pos_before = 0;
  bool started = false;
  for (size_t j = i;;) {
    j = skip_punct(j);
    if (j == n_ || kByteClass[s_[j]] == kSpace) return j;
    const size_t start = j;
    bool word_ascii = true, digits = false;
    j = skip_letters_digits(s_, j, n_, &word_ascii, &digits);
    if (j == start || !simple_end(j, digits)) {
      if (started) {
        out_.resize(out_before);
        pos_ = pos_before;
      }
      return 0;
    }
    if (!started) {
      flush_icu();  // the pending ICU run's words come first
      out_before = out_.size();
      pos_before = pos_;
      started = true;
    }
    // A word of letters and digits keeps its first byte as its term's
    // (finish_token's number rule only drops ',' and '.'), so the test of
    // `unwanted` holds for words that start with a digit too.
    if (unwanted(start, j)) {
      ++pos_;
    } else {
      emit(start, j, word_ascii, !word_ascii);
    }
  }
}

// The words of the piece [i, e) of ASCII and Latin-1 letters.
void TokenRun::latin1_words(size_t i, size_t e) {
  for (size_t j = i; j < e;) {
    size_t len = 0;
    const char k = char_kind(s_, j, &len);
    if (k == 0) {
      j += len;
      continue;
    }
    const size_t start = j;
    bool word_ascii = true;
    // Whether one of finish_token's rules may change the term's first byte
    // or drop it ('_', '@', '.', '\''); its number rule does not.
    bool special = false;
    j = latin1_word_end(j, e, k, &word_ascii, &special);
    if (!special && unwanted(start, j)) {
      ++pos_;
      continue;
    }
    emit(start, j, word_ascii, !word_ascii);
  }
}

// The end of the word starting at s[j], a character of kind k, in the
// piece ending at e; clears *ascii at a Latin-1 letter, sets *special at
// '_', '@', and a '.' or '\'' inside.
size_t TokenRun::latin1_word_end(size_t j, size_t e, char k, bool* ascii,
                                 bool* special) const {
  size_t len = 0;
  while (true) {
    char last = k;
    while (j < e && (k = char_kind(s_, j, &len)) != 0) {
      *ascii = *ascii && len == 1;
      *special = *special || k == '_' || s_[j] == '@';
      last = k;
      j += len;
    }
    if (j + 1 >= e) return j;
    size_t next_len = 0;
    const char next = char_kind(s_, j + 1, &next_len);
    if (!joins_kinds(last, s_[j], next)) return j;
    *special = *special || s_[j] == '.' || s_[j] == '\'';
    ++j;
    k = next;
  }
}

void Analyzer::set_ascii_fast_path(bool on) { ascii_fast_path_ = on; }

std::vector<Token> Analyzer::tokenize(std::string_view text,
                                      const std::bitset<256>* wanted) const {
  if (text.empty()) return {};
  TokenRun run(*this, text, wanted);
  if (ascii_fast_path_) {
    run.fast_words();
  } else {
    run.icu_words(0, text.size());
  }
  return run.take();
}

namespace {

// Bytes searched for a cut before giving up.
constexpr size_t kCutSearch = 512;

// Whether the piece (ASCII whitespace to ASCII whitespace) [i, e) holds
// ASCII and Latin-1 letters only: tokenize splits such a piece by itself.
bool latin1_piece(const unsigned char* s, size_t i, size_t e) {
  while (i < e) {
    if (s[i] < 0x80) {
      ++i;
    } else if (is_latin1_letter(s, i, e)) {
      i += 2;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

size_t Analyzer::cut_before(std::string_view text, size_t at) const {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  if (!ascii_fast_path_ || at == 0) return 0;
  at = std::min(at, n);
  const size_t stop = at > kCutSearch ? at - kCutSearch : 0;
  for (size_t p = at; p > stop; --p) {
    if (p == n || !is_ascii_space(s[p - 1]) || is_ascii_space(s[p])) continue;
    size_t e = p;
    while (e < n && !is_ascii_space(s[e])) ++e;
    if (latin1_piece(s, p, e)) return p;
  }
  return 0;
}

size_t Analyzer::cut_after(std::string_view text, size_t at) const {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  if (!ascii_fast_path_ || at >= n) return n;
  const size_t stop = std::min(n, at + kCutSearch);
  for (size_t q = std::max<size_t>(at, 1); q < stop; ++q) {
    if (!is_ascii_space(s[q]) || is_ascii_space(s[q - 1])) continue;
    size_t b = q;
    while (b > 0 && !is_ascii_space(s[b - 1])) --b;
    if (latin1_piece(s, b, q)) return q;
  }
  return n;
}

std::string Analyzer::fold(std::string_view word) const {
  const auto toks = tokenize(word);
  return toks.empty() ? std::string(word) : toks.front().term;
}

std::string Analyzer::stem(const Token& token, Lang lang) const {
  if (token.keep || is_digit(token.term.front())) return token.term;
  std::string_view in = token.accented.empty() ? token.term : token.accented;
  if (in.ends_with("'s")) in.remove_suffix(2);
  // Words repeat (Zipf): the cache spares most Snowball runs.
  auto& cache = stem_cache_[lang == Lang::es ? 1 : 0];
  if (cache.empty()) cache.resize(kStemCacheSlots);
  StemSlot& slot = cache[fnv1a(in) & (kStemCacheSlots - 1)];
  if (slot.used && std::string_view(slot.key, slot.key_size) == in)
    return std::string(slot.stem, slot.stem_size);
  Xapian::Stem& stemmer = lang == Lang::es ? stem_es_ : stem_en_;
  std::string s = stemmer(std::string(in));
  if (!token.accented.empty()) s = fold_accents(s);
  if (s.empty()) s = token.term;
  if (in.size() <= sizeof slot.key && s.size() <= sizeof slot.stem) {
    slot.used = true;
    slot.key_size = static_cast<uint8_t>(in.size());
    slot.stem_size = static_cast<uint8_t>(s.size());
    std::copy(in.begin(), in.end(), slot.key);
    std::copy(s.begin(), s.end(), slot.stem);
  }
  return s;
}

bool Analyzer::is_stopword(std::string_view term, Lang lang) const {
  return bilex::is_stopword(term, lang);
}

std::vector<Lang> Analyzer::stem_languages(Lang lang) {
  if (lang == Lang::und) return {Lang::en, Lang::es};
  return {lang};
}

std::string Analyzer::stem_prefix(Field field, Lang lang) {
  std::string p = exact_prefix(field);
  p += lang == Lang::es ? schema::kStemEs : schema::kStemEn;
  return p;
}

std::string Analyzer::exact_prefix(Field field) {
  return field == Field::title ? std::string(schema::kTitle) : std::string();
}

void Analyzer::index_article(Xapian::Document& doc, std::string_view title,
                             std::string_view body, Lang lang,
                             AccentSink* accents,
                             std::vector<std::string>* words) const {
  Xapian::termpos pos = 0;
  if (!title.empty()) {
    index_text(doc, title, lang, Field::title, &pos, 1, nullptr);
    pos = 0;
    index_text(doc, title, lang, Field::body, &pos, kTitleWdf, accents);
    pos += kTitleGap;
  }
  index_text(doc, body, lang, Field::body, &pos, 1, accents, words);
}

void Analyzer::index_text(Xapian::Document& doc, std::string_view text,
                          Lang lang, Field field, Xapian::termpos* pos,
                          Xapian::termcount wdf_inc, AccentSink* accents,
                          std::vector<std::string>* words) const {
  const std::string exact = exact_prefix(field);
  const std::vector<Lang> langs = stem_languages(lang);
  std::vector<std::string> prefixes, accent_prefixes;
  for (Lang l : langs) {
    prefixes.push_back(stem_prefix(field, l));
    accent_prefixes.push_back(stem_prefix(Field::body, l));
  }
  const Xapian::termpos base = *pos;
  std::string term;
  for (const Token& t : tokenize(text)) {
    const Xapian::termpos p = base + t.pos + 1;
    *pos = p;
    term.assign(exact).append(t.term);
    doc.add_posting(term, p, wdf_inc);
    if (words && !t.alternative && !t.keep && utf8_code_points(t.term) >= 3 &&
        !is_digit(t.term.front()) &&
        t.term.find_first_of(".@'") == std::string::npos) {
      words->push_back(t.accented.empty() ? t.term : t.accented);
      // The folded spelling too, so that a query typed without accents is
      // one edit from "economía" when it is one letter off ("ecomomia").
      if (!t.accented.empty()) words->push_back(t.term);
    }
    for (size_t i = 0; i < langs.size(); ++i) {
      const Lang l = langs[i];
      if (!t.keep && is_stopword(t.term, l)) continue;
      const std::string s = stem(t, l);
      term.assign(prefixes[i]).append(s);
      doc.add_term(term, wdf_inc);
      if (accents && !t.accented.empty()) {
        Token plain = t;
        plain.accented.clear();
        if (stem(plain, l) != s)
          accents->emplace_back(accent_prefixes[i] + t.term, s);
      }
    }
  }
}

WordTerms Analyzer::query_terms(const Token& token, Field field,
                                const Xapian::Database* db) const {
  WordTerms w;
  w.exact = exact_prefix(field) + token.term;
  for (Lang l : {Lang::en, Lang::es}) {
    if (!token.keep && is_stopword(token.term, l)) continue;
    StemTerms st{l, {}};
    const std::string prefix = stem_prefix(field, l);
    auto add = [&](const std::string& stem) {
      std::string term = prefix + stem;
      if (std::find(st.terms.begin(), st.terms.end(), term) == st.terms.end())
        st.terms.push_back(std::move(term));
    };
    add(stem(token, l));
    Token plain = token;
    plain.accented.clear();
    add(stem(plain, l));
    if (db) {
      const std::string key = stem_prefix(Field::body, l) + token.term;
      for (auto it = db->synonyms_begin(key); it != db->synonyms_end(key); ++it)
        add(*it);
    }
    w.stems.push_back(std::move(st));
  }
  return w;
}

std::string Analyzer::signature() {
  return "icu-word-breaks;nfkc-casefold;strip-marks-keep-n-tilde;"
         "snowball:english,spanish;stopwords:1;numbers:1;acronyms:1;"
         "underscores:1";
}

}  // namespace bilex
