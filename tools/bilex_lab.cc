// bilex-lab: measurements of the analysis on a corpus (not a user command).
//   bilex-lab langid FILE...   language identification accuracy against the
//                              records' "lang" field, whole articles and
//                              titles alone
//   bilex-lab speed FILE...    analyzer throughput on one core (MB/s)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "common/analyzer.h"
#include "common/language.h"
#include "indexer/corpus_reader.h"

namespace {

std::vector<bilex::Document> load(const std::vector<std::string>& paths) {
  std::vector<bilex::Document> docs;
  bilex::ReaderCallbacks cb;
  cb.is_unchanged = [](const std::string&, const std::string&) { return false; };
  cb.hash_unchanged = cb.is_unchanged;
  cb.on_unchanged = [](const std::string&) {};
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
  std::printf("| lang | articles | whole article | titles | title alone | title und |\n");
  std::printf("|---|---:|---:|---:|---:|---:|\n");
  for (const auto& [lang, c] : by_lang) {
    std::printf("| %s | %zu | %.2f%% | %zu | %.2f%% | %.2f%% |\n", lang.c_str(), c.n,
                100.0 * c.body_ok / c.n, c.title_n,
                c.title_n ? 100.0 * c.title_ok / c.title_n : 0.0,
                c.title_n ? 100.0 * c.title_und / c.title_n : 0.0);
  }
  for (const auto& [k, n] : confusions) std::printf("confusion %s: %zu\n", k.c_str(), n);
  return 0;
}

int speed(const std::vector<bilex::Document>& docs) {
  bilex::Analyzer analyzer;
  size_t bytes = 0;
  for (const auto& d : docs) bytes += d.body.size() + d.title.size();
  std::vector<double> rates;
  size_t tokens = 0;
  for (int run = 0; run < 3; ++run) {
    const auto start = std::chrono::steady_clock::now();
    tokens = 0;
    for (const auto& d : docs) {
      Xapian::Document doc;
      Xapian::termpos pos = 0;
      bilex::Analyzer::AccentSink accents;
      analyzer.index_text(doc, d.title, d.lang, bilex::Field::title, &pos, 1, nullptr);
      pos = 0;
      analyzer.index_text(doc, d.body, d.lang, bilex::Field::body, &pos, 1, &accents);
      tokens += pos;
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    rates.push_back(bytes / 1e6 / s);
  }
  std::sort(rates.begin(), rates.end());
  std::printf("analyzer (tokenize + fold + stem + terms), 1 thread: %.2f MB in %zu docs, "
              "median of 3 runs %.2f MB/s (min %.2f, max %.2f)\n",
              bytes / 1e6, docs.size(), rates[1], rates[0], rates[2]);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: bilex-lab langid|speed FILE...\n";
    return 2;
  }
  const std::string cmd = argv[1];
  const auto docs = load(std::vector<std::string>(argv + 2, argv + argc));
  if (cmd == "langid") return langid(docs);
  if (cmd == "speed") return speed(docs);
  std::cerr << "bilex-lab: unknown command " << cmd << '\n';
  return 2;
}
