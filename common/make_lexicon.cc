// bilex-make-lexicon: turns Apertium's English-Spanish bilingual
// dictionaries (printed by lttoolbox's lt-print in AT&T format) into the
// table common/lexicon.h reads, with the words their morphological
// analysers read (to tell which language a word can be of). Run by the
// build, never by users.
//
//   bilex-make-lexicon EN-ES.att ES-EN.att EN-MORF.att ES-MORF.att OUT
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <tuple>
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

// A transducer: each state's arcs, and its final states.
struct Fst {
  std::vector<std::vector<Arc>> arcs;
  std::vector<bool> final;
};

// The largest section of an AT&T dump: the dictionary's words (the others
// hold punctuation and number patterns).
Fst read_att(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw bilex::Error("cannot read " + path);
  std::vector<Fst> sections(1);
  std::string line;
  while (std::getline(f, line)) {
    if (line == "--") {
      sections.emplace_back();
      continue;
    }
    std::vector<std::string> col;
    size_t start = 0;
    for (size_t tab; (tab = line.find('\t', start)) != std::string::npos;
         start = tab + 1)
      col.push_back(line.substr(start, tab - start));
    col.push_back(line.substr(start));
    Fst& fst = sections.back();
    const auto from = static_cast<uint32_t>(std::stoul(col[0]));
    const uint32_t to =
        col.size() < 4 ? from : static_cast<uint32_t>(std::stoul(col[1]));
    if (fst.arcs.size() <= std::max(from, to)) {
      fst.arcs.resize(std::max(from, to) + 1);
      fst.final.resize(fst.arcs.size());
    }
    if (col.size() < 4) {
      fst.final[from] = true;
      continue;
    }
    if (from == to) continue;  // a loop: digits of a number pattern
    fst.arcs[from].push_back(
        {to, col[2] == "ε" ? "" : col[2], col[3] == "ε" ? "" : col[3]});
  }
  size_t largest = 0;
  for (size_t i = 1; i < sections.size(); ++i)
    if (sections[i].arcs.size() > sections[largest].arcs.size()) largest = i;
  return std::move(sections[largest]);
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
  const Fst fst = read_att(att);
  Pairs pairs;
  Walk walk{fst.arcs, &pairs, {}, {}, {}};
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
      // The Spanish word translated (Translation::source), but a verb:
      // its forms are not its own ("tenía", tener, folds as tenia does).
      if (from == bilex::Lang::es && key.find(' ') == std::string::npos &&
          rank != pos_rank("<vblex>"))
        entry += bilex::Lexicon::kSourceMark + a.fold(src);
      // The same translation of two words of one stem is listed twice
      // ("good<buen", "good<bueno"); the query searches it once.
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

// The one-word forms an analyser (apertium's automorf) reads, folded as the
// index's exact terms: every path of its input side to a final state, but
// those analysed as several words joined ("dándoselo": dar+se+lo), which
// are many and seldom searched.
std::set<std::string> surface_forms(const bilex::Analyzer& a,
                                    const std::string& att) {
  const Fst fst = read_att(att);
  struct Step {
    uint32_t state;
    std::string form;
    int depth;
  };
  std::set<std::string> raw;
  std::vector<Step> stack{{0, "", 0}};
  while (!stack.empty()) {
    Step step = std::move(stack.back());
    stack.pop_back();
    // A cycle (a pattern, not a word) would never end: cut it as Walk does.
    if (step.state >= fst.arcs.size() || step.depth > 200) continue;
    if (fst.final[step.state] && !step.form.empty()) raw.insert(step.form);
    for (const Arc& arc : fst.arcs[step.state]) {
      if (arc.in == " " || arc.out == "+" || is_tag(arc.in)) continue;
      stack.push_back({arc.to, step.form + arc.in, step.depth + 1});
    }
  }
  std::set<std::string> forms;
  for (const std::string& f : raw) {
    const std::vector<bilex::Token> tokens = a.tokenize(f);
    if (tokens.size() == 1) forms.insert(tokens[0].term);
  }
  return forms;
}

// Appends a line "w<TAB>WORD<TAB>LANG" (bilex::Lexicon::word_language) for
// each word that one language's analyser reads and the other's does not,
// unless it is a function word of the other ("al", which the Spanish
// analyser reads only as a+el).
void add_word_languages(const bilex::Analyzer& a,
                        const std::set<std::string>& en,
                        const std::set<std::string>& es,
                        std::vector<std::string>* lines) {
  using bilex::Lang;
  const std::string tag(bilex::Lexicon::kWordTag);
  for (const auto& [mine, theirs, lang, other] :
       {std::tuple{&en, &es, Lang::en, Lang::es},
        std::tuple{&es, &en, Lang::es, Lang::en}})
    for (const std::string& word : *mine)
      if (!theirs->count(word) && !a.is_stopword(word, other))
        lines->push_back(tag + "\t" + word + "\t" +
                         std::string(bilex::lang_code(lang)));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::cerr << "usage: bilex-make-lexicon EN-ES.att ES-EN.att EN-MORF.att "
                 "ES-MORF.att OUT\n";
    return 2;
  }
  try {
    using bilex::Lang;
    const bilex::Analyzer analyzer;
    std::vector<std::string> lines;
    add_direction(analyzer, argv[1], Lang::en, Lang::es, &lines);
    add_direction(analyzer, argv[2], Lang::es, Lang::en, &lines);
    add_word_languages(analyzer, surface_forms(analyzer, argv[3]),
                       surface_forms(analyzer, argv[4]), &lines);
    std::sort(lines.begin(), lines.end());
    const std::string tmp = std::string(argv[5]) + ".tmp";
    std::ofstream out(tmp, std::ios::binary);
    out << bilex::Lexicon::kHeader << '\n';
    for (const std::string& l : lines) out << l << '\n';
    out.close();
    if (!out || std::rename(tmp.c_str(), argv[5]) != 0)
      throw bilex::Error(std::string("cannot write ") + argv[5]);
  } catch (const std::exception& e) {
    std::cerr << "bilex-make-lexicon: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
