// bilex-make-lexicon: turns Apertium's English-Spanish bilingual
// dictionaries (printed by lttoolbox's lt-print in AT&T format) into the
// table common/lexicon.h reads. Run by the build, never by users.
//
//   bilex-make-lexicon EN-ES.att ES-EN.att OUT
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/analyzer.h"
#include "common/error.h"
#include "common/lexicon.h"

namespace {

struct Arc {
  uint32_t to;
  std::string in, out;
};

// The first section of an AT&T dump (the dictionary's words; later
// sections hold the punctuation and number patterns).
std::vector<std::vector<Arc>> read_att(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw bilex::Error("cannot read " + path);
  std::vector<std::vector<Arc>> arcs;
  std::string line;
  while (std::getline(f, line) && line != "--") {
    std::vector<std::string> col;
    size_t start = 0;
    for (size_t tab; (tab = line.find('\t', start)) != std::string::npos;
         start = tab + 1)
      col.push_back(line.substr(start, tab - start));
    col.push_back(line.substr(start));
    if (col.size() < 4) continue;  // a final state
    const auto from = static_cast<uint32_t>(std::stoul(col[0]));
    const auto to = static_cast<uint32_t>(std::stoul(col[1]));
    if (from == to) continue;  // a loop: digits of a number pattern
    if (arcs.size() <= std::max(from, to)) arcs.resize(std::max(from, to) + 1);
    arcs[from].push_back(
        {to, col[2] == "ε" ? "" : col[2], col[3] == "ε" ? "" : col[3]});
  }
  return arcs;
}

bool is_tag(const std::string& s) {
  return s.size() > 2 && s.front() == '<' && s.back() == '>';
}

// Parts of speech worth bridging, content words, in the order their
// translations are listed (a noun's first: news are about things); -1 for
// the others. Function words are the stopwords of the other language, and
// numbers are spelled alike.
int pos_rank(const std::string& tag) {
  static const std::vector<std::string> kept{"<n>", "<np>", "<adj>", "<vblex>",
                                             "<adv>"};
  const auto it = std::find(kept.begin(), kept.end(), tag);
  return it == kept.end() ? -1 : static_cast<int>(it - kept.begin());
}

// Source lemma -> (part of speech rank, target lemma), from every path of
// the transducer up to the first tag on both sides.
using Pairs = std::map<std::string, std::set<std::pair<int, std::string>>>;

struct Walk {
  const std::vector<std::vector<Arc>>& arcs;
  Pairs* out;
  std::string in, out_lemma, pos;
  bool in_done = false, out_done = false;

  void from(uint32_t state, int depth) {
    if (in_done && out_done) {
      if (pos_rank(pos) >= 0) (*out)[in].insert({pos_rank(pos), out_lemma});
      return;
    }
    if (depth > 200 || state >= arcs.size()) return;
    for (const Arc& a : arcs[state]) {
      const Walk saved = *this;
      if (!in_done) {
        if (is_tag(a.in)) {
          in_done = true;
          pos = a.in;
        } else if (a.in != "#") {  // '#' marks a multiword's inflected head
          in += a.in;
        }
      }
      if (!out_done) {
        if (is_tag(a.out))
          out_done = true;
        else if (a.out != "#")
          out_lemma += a.out;
      }
      from(a.to, depth + 1);
      in = saved.in;
      out_lemma = saved.out_lemma;
      pos = saved.pos;
      in_done = saved.in_done;
      out_done = saved.out_done;
    }
  }
};

// The stems of `text`'s words in `lang`, space-separated; empty when it
// has none (punctuation only).
std::string stem_key(const bilex::Analyzer& a, const std::string& text,
                     bilex::Lang lang) {
  std::string key;
  for (const bilex::Token& t : a.tokenize(text)) {
    if (t.alternative) continue;
    if (!key.empty()) key += ' ';
    key += a.stem(t, lang);
  }
  return key;
}

// Appends the table lines of one direction to `lines`.
void add_direction(const bilex::Analyzer& a, const std::string& att,
                   bilex::Lang from, bilex::Lang to,
                   std::vector<std::string>* lines) {
  const auto arcs = read_att(att);
  Pairs pairs;
  Walk walk{arcs, &pairs, {}, {}, {}};
  walk.from(0, 0);
  std::map<std::string, std::vector<std::pair<int, std::string>>> table;
  for (const auto& [src, targets] : pairs) {
    const std::string key = stem_key(a, src, from);
    if (key.empty()) continue;
    for (const auto& [rank, target] : targets) {
      const std::string stems = stem_key(a, target, to);
      // A translation spelled as the word itself adds nothing: the word
      // already searches both languages' stems.
      if (stems.empty() || a.fold(target) == a.fold(src)) continue;
      const bool one_word = stems.find(' ') == std::string::npos;
      std::string entry = target + ":" + (one_word ? stems : "");
      auto& v = table[key];
      if (std::none_of(v.begin(), v.end(),
                       [&](const auto& o) { return o.second == entry; }))
        v.emplace_back(rank, entry);
    }
  }
  for (auto& [key, entries] : table) {
    std::stable_sort(
        entries.begin(), entries.end(),
        [](const auto& x, const auto& y) { return x.first < y.first; });
    std::string line = std::string(bilex::lang_code(from)) + "\t" + key;
    for (const auto& e : entries) line += "\t" + e.second;
    lines->push_back(std::move(line));
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: bilex-make-lexicon EN-ES.att ES-EN.att OUT\n";
    return 2;
  }
  try {
    const bilex::Analyzer analyzer;
    std::vector<std::string> lines;
    add_direction(analyzer, argv[1], bilex::Lang::en, bilex::Lang::es, &lines);
    add_direction(analyzer, argv[2], bilex::Lang::es, bilex::Lang::en, &lines);
    std::sort(lines.begin(), lines.end());
    const std::string tmp = std::string(argv[3]) + ".tmp";
    std::ofstream out(tmp, std::ios::binary);
    out << bilex::Lexicon::kHeader << '\n';
    for (const std::string& l : lines) out << l << '\n';
    out.close();
    if (!out || std::rename(tmp.c_str(), argv[3]) != 0)
      throw bilex::Error(std::string("cannot write ") + argv[3]);
  } catch (const std::exception& e) {
    std::cerr << "bilex-make-lexicon: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
