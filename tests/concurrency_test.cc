// Many searching threads on one index in one process: every answer must be
// the single-threaded one. Xapian counts references without atomics, so an
// object that two threads share (a query, a stemmer, a database) shows
// here as a crash, a wrong answer or a spurious DatabaseCorruptError, and
// under ThreadSanitizer as a reported race.
#include <doctest/doctest.h>

#include <atomic>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "indexer/indexer.h"
#include "searcher/batch.h"
#include "searcher/printer.h"
#include "searcher/searcher.h"
#include "test_util.h"

using bilex::test::TempDir;

namespace {

// Words of each language's articles; every article draws from both lists so
// that stems, accents, suggestions and partial matches all come up.
const char* const kEnglish[] = {
    "border",    "wall",     "migrants", "talks",     "officials", "senate",
    "crossing",  "election", "economy",  "prices",    "oil",       "court",
    "president", "said",     "record",   "governors", "funding",   "policy"};
const char* const kSpanish[] = {
    "frontera",   "muro",     "migración", "conversaciones", "gobierno",
    "elecciones", "economía", "precios",   "petróleo",       "tribunal",
    "presidente", "dijo",     "récord",    "política",       "fondos",
    "campaña",    "año",      "acuerdo"};

// A fixed pseudo-random sequence (no <random>: its distributions differ
// between standard libraries).
struct Lcg {
  uint64_t s;
  unsigned next(unsigned n) {
    s = s * 6364136223846793005u + 1442695040888963407u;
    return static_cast<unsigned>((s >> 33) % n);
  }
};

// A JSON Lines file of `n` articles, half of each language, dated over
// 2015-2024.
std::string articles(int n) {
  Lcg rng{42};
  std::string out;
  for (int i = 0; i < n; ++i) {
    const bool es = i % 2 == 1;
    const auto& words = es ? kSpanish : kEnglish;
    const char* const glue = es ? " de la " : " of the ";
    std::string body;
    for (int w = 0; w < 60 + static_cast<int>(rng.next(200)); ++w) {
      body += words[rng.next(std::size(kEnglish))];
      body += w % 9 == 8 ? ". " : rng.next(4) == 0 ? glue : " ";
    }
    nlohmann::json j = {
        {"id", "a" + std::to_string(i)},
        {"title", std::string(words[rng.next(std::size(kEnglish))]) + " " +
                      words[rng.next(std::size(kEnglish))]},
        {"date", std::to_string(2015 + i % 10) + "-0" +
                     std::to_string(1 + i % 9) + "-1" + std::to_string(i % 9)},
        {"lang", es ? "es" : "en"},
        {"body", body}};
    out += j.dump() + '\n';
  }
  return out;
}

// Every kind of query the parser builds: words, partial matches, negation,
// phrases, fields, filters, prefixes, misspellings, questions (their
// language told), long queries (feedback terms).
const char* const kQueries[] = {
    "border",
    "border wall",
    "frontera muro",
    "migracion",
    "border -wall",
    "NOT economy",
    "-precios",
    "\"border wall\"",
    "\"el muro\"",
    "title:election",
    "title:(oil prices)",
    "lang:es frontera",
    "lang:en",
    "date:2019..2021 economy",
    "date:2020",
    "pres*",
    "border OR frontera",
    "(oil OR petróleo) AND prices",
    "bordr",
    "migracoin",
    "what did the president say about the border",
    "qué dijo el presidente sobre la frontera",
    "senate funding border wall policy",
    "elecciones campaña presidente acuerdo tribunal",
    "governors record crossing talks officials court",
    "zzzunknownword",
    "año",
    "ano",
};

// The answer to `q`, without its timing.
std::string answer(bilex::Searcher& s, const std::string& q) {
  bilex::SearchRequest req;
  req.query = q;
  req.limit = 20;
  req.missing_words = true;
  auto j = nlohmann::json::parse(bilex::result_json(s.search(req), false));
  j.erase("took_ms");
  return j.dump();
}

struct Fixture {
  TempDir dir;
  std::string db;
  std::vector<std::string> expected;
  Fixture() {
    dir.write("in/news.jsonl", articles(400));
    bilex::IndexOptions opts;
    opts.db = db = dir.str("db");
    opts.paths = {dir.str("in")};
    (void)bilex::run_index(opts, nullptr);
    bilex::Searcher alone(db);
    for (const char* q : kQueries) expected.push_back(answer(alone, q));
  }
};

}  // namespace

TEST_CASE("Searcher: eight threads on one index answer as one thread does" *
          doctest::test_suite("threads")) {
  Fixture f;
  constexpr unsigned kThreads = 8;
  // ThreadSanitizer finds a race by the order of events, not by chance: a
  // few rounds do there (it makes each query about ten times slower).
#ifdef __SANITIZE_THREAD__
  constexpr int kRounds = 2;
#else
  constexpr int kRounds = 40;
#endif
  std::atomic<int> wrong{0}, failed{0};
  std::vector<std::string> errors(kThreads);
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < kThreads; ++t)
    pool.emplace_back([&, t] {
      try {
        // Half the searchers have a helper thread for their snippets.
        bilex::Searcher s(f.db, /*helper=*/t % 2 == 1);
        for (int round = 0; round < kRounds; ++round)
          for (size_t i = 0; i < std::size(kQueries); ++i) {
            const size_t k = (i + t * 5) % std::size(kQueries);
            if (answer(s, kQueries[k]) != f.expected[k]) ++wrong;
          }
      } catch (const std::exception& e) {
        ++failed;
        errors[t] = e.what();
      }
    });
  for (auto& th : pool) th.join();
  for (const auto& e : errors) CHECK_MESSAGE(e.empty(), e);
  CHECK(failed == 0);
  CHECK(wrong == 0);
}

TEST_CASE("run_batch: the same lines in input order on any thread count" *
          doctest::test_suite("threads")) {
  Fixture f;
  const std::vector<std::string> queries(std::begin(kQueries),
                                         std::end(kQueries));
  bilex::SearchRequest base;
  base.limit = 20;
  // Timings aside, the output of one thread.
  auto untimed = [](const std::string& lines) {
    std::istringstream in(lines);
    std::string out, line;
    while (std::getline(in, line)) {
      auto j = nlohmann::json::parse(line);
      j.erase("took_ms");
      out += j.dump() + '\n';
    }
    return out;
  };
  std::ostringstream one;
  CHECK(bilex::run_batch(f.db, queries, base, one, false, 1) == 0);
  const std::string want = untimed(one.str());
  CHECK(std::count(want.begin(), want.end(), '\n') ==
        static_cast<long>(queries.size()));
  for (unsigned threads : {2u, 4u, 8u}) {
    CAPTURE(threads);
    std::ostringstream many;
    CHECK(bilex::run_batch(f.db, queries, base, many, false, threads) == 0);
    CHECK(untimed(many.str()) == want);
  }
}
