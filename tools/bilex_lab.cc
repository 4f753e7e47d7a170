// bilex-lab: measurements of the analysis on a corpus (not a user command).
//   bilex-lab langid FILE...   language identification accuracy against the
//                              records' "lang" field, whole articles and
//                              titles alone
//   bilex-lab speed FILE...    analyzer throughput on one core (MB/s)
//   bilex-lab stopwords en|es  the analyzer's stopwords, one per line (for
//                              scripts/make-queries)
//   bilex-lab tokcheck FILE... the tokenizer's ASCII fast path against ICU
//                              alone, on every article and on a million
//                              random strings of word characters and
//                              punctuation, whole and with filters of
//                              first bytes; lists any difference; and
//                              that no stem of an article's words is
//                              longer than its word or starts otherwise
#include <algorithm>
#include <bitset>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "common/analyzer.h"
#include "common/language.h"
#include "common/stopwords.h"
#include "indexer/corpus_reader.h"

namespace {

std::vector<bilex::Document> load(const std::vector<std::string>& paths) {
  std::vector<bilex::Document> docs;
  bilex::ReaderCallbacks cb;
  cb.on_article = [&](bilex::Article&& a) { docs.push_back(std::move(a.doc)); };
  cb.on_problem = [](bilex::Problem&& p) {
    std::cerr << "bilex-lab: " << p.source << ": " << p.reason << '\n';
  };
  for (const auto& p : paths) bilex::read_input(p, cb);
  return docs;
}

int langid(const std::vector<bilex::Document>& docs) {
  struct Count {
    size_t n = 0, body_ok = 0, title_n = 0, title_ok = 0, title_und = 0;
  };
  std::map<std::string, Count> by_lang;
  std::map<std::string, size_t> confusions;
  for (const auto& d : docs) {
    if (!d.lang_given) continue;
    const std::string truth(bilex::lang_code(d.lang));
    Count& c = by_lang[truth];
    ++c.n;
    const auto g = bilex::detect_language(d.title + "\n" + d.body);
    if (g.lang == d.lang) {
      ++c.body_ok;
    } else {
      ++confusions[truth + "->" + std::string(bilex::lang_code(g.lang))];
    }
    if (!d.title.empty()) {
      ++c.title_n;
      const auto t = bilex::detect_language(d.title);
      if (t.lang == d.lang) ++c.title_ok;
      if (t.lang == bilex::Lang::und) ++c.title_und;
    }
  }
  std::printf(
      "| lang | articles | whole article | titles | title alone | title und "
      "|\n");
  std::printf("|---|---:|---:|---:|---:|---:|\n");
  for (const auto& [lang, c] : by_lang) {
    std::printf("| %s | %zu | %.2f%% | %zu | %.2f%% | %.2f%% |\n", lang.c_str(),
                c.n, 100.0 * c.body_ok / c.n, c.title_n,
                c.title_n ? 100.0 * c.title_ok / c.title_n : 0.0,
                c.title_n ? 100.0 * c.title_und / c.title_n : 0.0);
  }
  for (const auto& [k, n] : confusions)
    std::printf("confusion %s: %zu\n", k.c_str(), n);
  return 0;
}

int speed(const std::vector<bilex::Document>& docs) {
  bilex::Analyzer analyzer;
  size_t bytes = 0;
  for (const auto& d : docs) bytes += d.body.size() + d.title.size();
  std::vector<double> rates;
  size_t terms = 0;  // read below, so that the work is not optimized away
  for (int run = 0; run < 3; ++run) {
    const auto start = std::chrono::steady_clock::now();
    terms = 0;
    for (const auto& d : docs) {
      Xapian::Document doc;
      bilex::Analyzer::AccentSink accents;
      analyzer.index_article(doc, d.title, d.body, d.lang, &accents);
      terms += doc.termlist_count();
    }
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    rates.push_back(bytes / 1e6 / s);
  }
  std::sort(rates.begin(), rates.end());
  std::printf(
      "analyzer (tokenize + fold + stem + terms), 1 thread: %.2f MB in %zu "
      "docs (%zu terms), median of 3 runs %.2f MB/s (min %.2f, max %.2f)\n",
      bytes / 1e6, docs.size(), terms, rates[1], rates[0], rates[2]);
  return 0;
}

std::string show(const std::vector<bilex::Token>& v) {
  std::string s;
  for (const auto& t : v)
    s += "[" + t.term + " " + std::to_string(t.begin) + "-" +
         std::to_string(t.end) + " p" + std::to_string(t.pos) +
         (t.alternative ? " alt" : "") + "]";
  return s;
}

// Characters of the random strings: ASCII word characters and punctuation,
// Latin-1 letters and signs, and some beyond Latin-1.
const char* const kAlphabet[] = {"a",
                                 "Z",
                                 "9",
                                 "_",
                                 ".",
                                 ",",
                                 ";",
                                 ":",
                                 "'",
                                 "@",
                                 "#",
                                 "-",
                                 "/",
                                 " ",
                                 "\n",
                                 "\t",
                                 "+",
                                 "$",
                                 "%",
                                 "&",
                                 "(",
                                 ")",
                                 "\"",
                                 "!",
                                 "?",
                                 "0",
                                 "x",
                                 "Y",
                                 "\xC3\xA9",
                                 "\xC3\xB1",
                                 "\xC3\x89",  // É
                                 "\xC3\x91",  // Ñ
                                 "\xC3\x80",  // À
                                 "\xC3\x98",  // Ø
                                 "\xC3\x9F",  // ß
                                 "\xC3\xBF",  // ÿ
                                 "\xC3\x97",  // ×
                                 "\xC3\xB7",  // ÷
                                 "\xC2\xBF",  // ¿
                                 "\xC2\xAB",  // «
                                 "\xC2\xAA",  // ª
                                 "\xC2\xB5",  // µ
                                 "\xC2\xB7",  // ·
                                 "\xE2\x80\x99",
                                 "\xE2\x80\x9C",
                                 "\xC2\xAD",
                                 "\xE2\x80\x8B",
                                 "\xCC\x81",
                                 "\xE4\xB8\xAD",
                                 "\xD7\x90",
                                 "\xF0\x9F\x98\x80",
                                 "\xC2\xA0",
                                 "\xFF"};

// bilex-lab tokcheck: the fast path against ICU alone, and the stems.
class TokCheck {
 public:
  TokCheck() {
    icu_.set_ascii_fast_path(false);
    for (unsigned char c : std::string("aeb")) filters_[0].set(c);
    for (unsigned char c : std::string("csm1")) filters_[1].set(c);
    for (unsigned char c : std::string("pt_")) filters_[2].set(c);
  }

  int run(const std::vector<bilex::Document>& docs) {
    for (const auto& d : docs) {
      check(d.title, d.id + " title");
      check(d.body, d.id);
      check_stems(d.body, d.id);
    }
    check_random(1000000);
    std::printf("tokcheck: %zu texts, %zu differ\n", checked_, differ_);
    std::printf(
        "tokcheck: %zu stems, %zu longer than their word or with another "
        "first byte\n",
        stemmed_, stem_bad_);
    return differ_ == 0 && stem_bad_ == 0 ? 0 : 1;
  }

 private:
  static constexpr size_t kShown = 30;  // differences printed at most

  // One text: the fast path's tokens must be ICU's, whole and filtered.
  void check(const std::string& text, const std::string& where) {
    ++checked_;
    const auto a = fast_.tokenize(text), b = icu_.tokenize(text);
    const bool filtered_ok = filters_agree(text, b);
    if (a == b && filtered_ok) return;
    if (a == b) {
      if (++differ_ <= kShown)
        std::printf("differ: %s with a filter of first bytes\n", where.c_str());
      return;
    }
    if (++differ_ > kShown) return;
    print_difference(text, where, a, b);
  }

  // With a filter of first bytes: ICU's tokens, less some whose term
  // starts with another byte.
  bool filters_agree(const std::string& text,
                     const std::vector<bilex::Token>& icu) const {
    bool ok = true;
    for (const std::bitset<256>& wanted : filters_) {
      const auto f = fast_.tokenize(text, &wanted);
      size_t k = 0;
      for (const auto& t : icu) {
        if (k < f.size() && f[k] == t) {
          ++k;
        } else if (wanted.test(static_cast<unsigned char>(t.term.front()))) {
          ok = false;
        }
      }
      ok = ok && k == f.size();
    }
    return ok;
  }

  // The first differing token, with two before it and two after.
  static void print_difference(const std::string& text,
                               const std::string& where,
                               const std::vector<bilex::Token>& a,
                               const std::vector<bilex::Token>& b) {
    size_t k = 0;
    while (k < a.size() && k < b.size() && a[k] == b[k]) ++k;
    const size_t from = k > 2 ? k - 2 : 0;
    const size_t at =
        k < b.size() ? b[k].begin : (k < a.size() ? a[k].begin : 0);
    const size_t ctx = at > 30 ? at - 30 : 0;
    std::printf("differ: %s at token %zu: \"%s\"\n  fast %s\n  icu  %s\n",
                where.c_str(), k, text.substr(ctx, 80).c_str(),
                show(slice(a, from, k + 3)).c_str(),
                show(slice(b, from, k + 3)).c_str());
  }

  static std::vector<bilex::Token> slice(const std::vector<bilex::Token>& v,
                                         size_t from, size_t to) {
    return std::vector<bilex::Token>(v.begin() + std::min(from, v.size()),
                                     v.begin() + std::min(to, v.size()));
  }

  // The snippet's matching stems only the words whose folded term is at
  // least as long as a stem sought and starts with its first byte: no stem
  // may be longer than its word or start otherwise.
  void check_stems(const std::string& text, const std::string& where) {
    for (const bilex::Token& t : fast_.tokenize(text)) {
      for (bilex::Lang l : {bilex::Lang::en, bilex::Lang::es}) {
        ++stemmed_;
        const std::string st = fast_.stem(t, l);
        if (!st.empty() && st.size() <= t.term.size() &&
            st.front() == t.term.front())
          continue;
        if (++stem_bad_ <= kShown)
          std::printf("stem: %s: \"%s\" -> \"%s\" (%s)\n", where.c_str(),
                      t.term.c_str(), st.c_str(),
                      std::string(bilex::lang_code(l)).c_str());
      }
    }
  }

  // COUNT random strings of 1 to 10 characters of kAlphabet, the same
  // ones on every run.
  void check_random(int count) {
    constexpr size_t kLetters = std::size(kAlphabet);
    uint64_t state = 20261123;
    auto next = [&state] {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      return state >> 33;
    };
    for (int n = 0; n < count; ++n) {
      const size_t len = 1 + next() % 10;
      std::string t;
      for (size_t k = 0; k < len; ++k) t += kAlphabet[next() % kLetters];
      check(t, "random");
    }
  }

  bilex::Analyzer fast_, icu_;
  std::vector<std::bitset<256>> filters_ = std::vector<std::bitset<256>>(3);
  size_t differ_ = 0, checked_ = 0, stem_bad_ = 0, stemmed_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr
        << "usage: bilex-lab langid|speed|tokcheck FILE... | stopwords en|es\n";
    return 2;
  }
  const std::string cmd = argv[1];
  if (cmd == "stopwords") {
    const auto lang = bilex::parse_lang(argv[2]);
    if (!lang || *lang == bilex::Lang::und) {
      std::cerr << "bilex-lab: stopwords: en or es, not " << argv[2] << '\n';
      return 2;
    }
    for (std::string_view w : bilex::stopwords(*lang)) std::cout << w << '\n';
    return 0;
  }
  const auto docs = load(std::vector<std::string>(argv + 2, argv + argc));
  if (cmd == "langid") return langid(docs);
  if (cmd == "speed") return speed(docs);
  if (cmd == "tokcheck") return TokCheck().run(docs);
  std::cerr << "bilex-lab: unknown command " << cmd << '\n';
  return 2;
}
