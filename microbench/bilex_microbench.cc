// Micro-benchmarks (Google Benchmark) of the hot paths: the analyzer, the
// snippet of one hit, the query parser. Run by scripts/microbench.
//
// Text: the news of ../shared/bench beside the repository when there, else
// corpus/ (or the JSON Lines files and directories in $BILEX_MICROBENCH_TEXT,
// separated by ':'); a sample of about 1 MB per language, every k-th article.
#include <benchmark/benchmark.h>
#include <unistd.h>
#include <xapian.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "common/analyzer.h"
#include "common/document.h"
#include "common/query.h"
#include "common/snippet.h"
#include "indexer/corpus_reader.h"
#include "indexer/indexer.h"

namespace {

namespace fs = std::filesystem;

constexpr size_t kSampleBytes = 1 << 20;  // per language
constexpr size_t kIndexedArticles = 2000;

std::vector<std::string> text_sources() {
  if (const char* env = std::getenv("BILEX_MICROBENCH_TEXT"); env && *env) {
    std::vector<std::string> out;
    std::string s = env;
    for (size_t at = 0; at <= s.size();) {
      const size_t end = std::min(s.find(':', at), s.size());
      if (end > at) out.push_back(s.substr(at, end - at));
      at = end + 1;
    }
    return out;
  }
  const fs::path root = BILEX_SOURCE_DIR;
  std::vector<std::string> out;
  const fs::path shared = root.parent_path() / "shared" / "bench";
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(shared, ec)) {
    const std::string name = e.path().filename().string();
    if (name.starts_with("news-") && name.ends_with(".jsonl.zst"))
      out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  if (out.empty()) out.push_back((root / "corpus").string());
  return out;
}

// The articles of the text sources, read once.
struct Texts {
  std::vector<std::string> sources;
  std::vector<bilex::Document> all;
  std::vector<bilex::Document> sample[3];  // by Lang: und, en, es
  size_t sample_bytes[3] = {0, 0, 0};
};

const Texts& texts() {
  static const Texts t = [] {
    Texts t;
    t.sources = text_sources();
    bilex::ReaderCallbacks cb;
    cb.on_article = [&](bilex::Article&& a) {
      t.all.push_back(std::move(a.doc));
    };
    cb.on_problem = [](bilex::Problem&& p) {
      std::cerr << "bilex-microbench: " << p.source << ": " << p.reason << '\n';
    };
    for (const auto& s : t.sources) bilex::read_input(s, cb);
    if (t.all.empty()) throw std::runtime_error("no articles in the text");
    // Every k-th article of each language, up to kSampleBytes: the sample
    // spans the whole corpus (every source within a language).
    size_t per_lang[3] = {0, 0, 0};
    for (const auto& d : t.all)
      per_lang[static_cast<int>(d.lang)] += d.title.size() + d.body.size();
    for (int l = 0; l < 3; ++l) {
      const size_t step = std::max<size_t>(1, per_lang[l] / kSampleBytes);
      size_t seen = 0;
      for (const auto& d : t.all) {
        if (static_cast<int>(d.lang) != l || seen++ % step != 0) continue;
        t.sample[l].push_back(d);
        t.sample_bytes[l] += d.title.size() + d.body.size();
      }
    }
    return t;
  }();
  return t;
}

const std::vector<bilex::Document>& sample(bilex::Lang lang,
                                           benchmark::State& state) {
  const auto& docs = texts().sample[static_cast<int>(lang)];
  if (docs.empty()) state.SkipWithError("no articles of this language");
  return docs;
}

// tokenize(): word breaks, normalization, folding.
void BM_Tokenize(benchmark::State& state, bilex::Lang lang) {
  const auto& docs = sample(lang, state);
  bilex::Analyzer analyzer;
  size_t tokens = 0;
  for (auto _ : state) {
    for (const auto& d : docs) {
      for (const std::string* s : {&d.title, &d.body}) {
        auto t = analyzer.tokenize(*s);
        tokens += t.size();
        benchmark::DoNotOptimize(t.data());
      }
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(
      state.iterations() * texts().sample_bytes[static_cast<int>(lang)]));
  state.counters["tokens"] = benchmark::Counter(static_cast<double>(tokens),
                                                benchmark::Counter::kIsRate);
}

// index_article(), as the indexer does: tokenize, fold, stem, stopwords,
// terms with positions, accent synonyms, the title twice.
void BM_IndexText(benchmark::State& state, bilex::Lang lang) {
  const auto& docs = sample(lang, state);
  bilex::Analyzer analyzer;
  for (auto _ : state) {
    for (const auto& d : docs) {
      Xapian::Document doc;
      bilex::Analyzer::AccentSink accents;
      std::vector<std::string> words;
      analyzer.index_article(doc, d.title, d.body, d.lang, &accents, &words);
      benchmark::DoNotOptimize(doc.termlist_count());
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(
      state.iterations() * texts().sample_bytes[static_cast<int>(lang)]));
  state.SetItemsProcessed(
      static_cast<int64_t>(state.iterations() * docs.size()));
}

// One hit's snippet (200 characters, as bilex-search shows): the article
// and a query of two words of it, a quarter and three quarters in, as a
// user who read it might type.
void BM_Snippet(benchmark::State& state, bilex::Lang lang) {
  const auto& docs = sample(lang, state);
  bilex::Analyzer analyzer;
  struct Hit {
    const bilex::Document* doc;
    std::vector<bilex::MatchGroup> groups;
  };
  std::vector<Hit> hits;
  for (const auto& d : docs) {
    std::vector<std::string> words;
    for (const auto& t : analyzer.tokenize(d.body))
      if (!t.alternative && t.term.size() >= 5 &&
          !analyzer.is_stopword(t.term, d.lang))
        words.push_back(d.body.substr(t.begin, t.end - t.begin));
    if (words.size() < 4) continue;
    const std::string q =
        words[words.size() / 4] + " " + words[words.size() * 3 / 4];
    hits.push_back(
        {&d, bilex::parse_query(q, analyzer, nullptr, bilex::MatchMode::ranked)
                 .groups});
  }
  if (hits.empty()) {
    state.SkipWithError("no article long enough");
    return;
  }
  size_t i = 0, bytes = 0;
  for (auto _ : state) {
    const Hit& h = hits[i++ % hits.size()];
    auto s =
        bilex::make_snippet(analyzer, h.doc->body, h.doc->lang, h.groups, 200);
    bytes += h.doc->body.size();
    benchmark::DoNotOptimize(s.text.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

// Queries as people type them: words, phrases, operators, fields, filters,
// accents or none, in both languages.
const std::vector<std::string> kQueries = {
    "border crossing",
    "migracion frontera",
    "Blinken frontera",
    "\"causas fundamentales\"",
    "oil prices OR crude -opec",
    "title:migration lang:es date:2024-01-01..2024-02-28",
    "cross*",
    "U.S. trade deficit",
    "el presidente de la república dominicana",
    "(interest OR rates) AND inflation",
    "BÁRCENA",
    "¿cuántos migrantes cruzaron la frontera en 2023?",
    "bank of japan \"interest rates\" yen",
    "elecciones NOT municipales",
    "coffee OR café OR cafe",
    "Sherwood-Randall e-mail 242,000",
};

// The query-parser input: kQueries, by the parser alone (no index: no
// accent-variant look-ups) or with an index of sample articles.
void run_parse(benchmark::State& state, const Xapian::Database* db) {
  bilex::Analyzer analyzer;
  size_t i = 0;
  for (auto _ : state) {
    auto pq = bilex::parse_query(kQueries[i++ % kQueries.size()], analyzer, db,
                                 bilex::MatchMode::ranked);
    benchmark::DoNotOptimize(pq.groups.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

void BM_ParseQuery(benchmark::State& state) { run_parse(state, nullptr); }

// A bilex index of about kIndexedArticles articles of the text (both
// languages), built once in a temporary directory that is removed at exit.
class SampleIndex {
 public:
  SampleIndex()
      : dir_(fs::temp_directory_path() /
             ("bilex-microbench." + std::to_string(getpid()))) {
    fs::create_directories(dir_);
    const fs::path input = dir_ / "articles.jsonl";
    {
      std::ofstream out(input);
      const auto& all = texts().all;
      const size_t step = std::max<size_t>(1, all.size() / kIndexedArticles);
      for (size_t k = 0; k < all.size(); k += step) {
        const auto& d = all[k];
        nlohmann::json j = {{"id", d.id}, {"title", d.title}, {"body", d.body}};
        if (d.lang_given) j["lang"] = std::string(bilex::lang_code(d.lang));
        out << j.dump() << '\n';
      }
    }
    bilex::IndexOptions opts;
    opts.db = (dir_ / "index").string();
    opts.paths = {input.string()};
    opts.jobs = 1;
    (void)bilex::run_index(opts, {});
    db_ = Xapian::Database(opts.db);
  }
  ~SampleIndex() {
    db_.close();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  SampleIndex(const SampleIndex&) = delete;
  SampleIndex& operator=(const SampleIndex&) = delete;

  [[nodiscard]] const Xapian::Database& db() const { return db_; }

 private:
  fs::path dir_;
  Xapian::Database db_;
};

void BM_ParseQueryWithIndex(benchmark::State& state) {
  static SampleIndex index;
  run_parse(state, &index.db());
}

// The benchmarks run on each language's texts.
struct PerLanguage {
  const char* name;
  void (*run)(benchmark::State&, bilex::Lang);
  benchmark::TimeUnit unit;
};
constexpr PerLanguage kPerLanguage[] = {
    {"BM_Tokenize", BM_Tokenize, benchmark::kMillisecond},
    {"BM_IndexText", BM_IndexText, benchmark::kMillisecond},
    {"BM_Snippet", BM_Snippet, benchmark::kMicrosecond},
};

// Registers each of kPerLanguage as NAME/en and NAME/es (the names
// BENCHMARK_CAPTURE gives).
bool register_per_language() {
  constexpr std::pair<const char*, bilex::Lang> kLangs[] = {
      {"en", bilex::Lang::en}, {"es", bilex::Lang::es}};
  for (const PerLanguage& b : kPerLanguage)
    for (const auto& [code, lang] : kLangs)
      benchmark::RegisterBenchmark((std::string(b.name) + "/" + code).c_str(),
                                   b.run, lang)
          ->Unit(b.unit);
  return true;
}
[[maybe_unused]] const bool kPerLanguageRegistered = register_per_language();
BENCHMARK(BM_ParseQuery)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ParseQueryWithIndex)->Unit(benchmark::kMicrosecond);

}  // namespace

int main(int argc, char** argv) try {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  const Texts& t = texts();
  const auto en = static_cast<int>(bilex::Lang::en);
  const auto es = static_cast<int>(bilex::Lang::es);
  std::string names;
  for (const auto& s : t.sources) names += " " + s;
  benchmark::AddCustomContext("text", names.substr(1));
  benchmark::AddCustomContext(
      "sample", std::to_string(t.sample[en].size()) + " en articles (" +
                    std::to_string(t.sample_bytes[en]) + " bytes), " +
                    std::to_string(t.sample[es].size()) + " es articles (" +
                    std::to_string(t.sample_bytes[es]) + " bytes)");
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
} catch (const Xapian::Error& e) {
  std::cerr << "bilex-microbench: " << e.get_description() << '\n';
  return 1;
} catch (const std::exception& e) {
  std::cerr << "bilex-microbench: " << e.what() << '\n';
  return 1;
}
