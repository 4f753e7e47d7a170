// bilex::run_index and bilex::Searcher together on a small on-disk index
// (run_index writes a directory: a temporary one), and the renderers of
// searcher/printer.h and searcher/batch.h.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.h"
#include "indexer/indexer.h"
#include "searcher/batch.h"
#include "searcher/printer.h"
#include "searcher/searcher.h"
#include "test_util.h"

using bilex::Lang;
using bilex::test::TempDir;

namespace {

const char* const kCorpus[][2] = {
    {"en/border.txt",
     "Border talks resume in Washington\n\n2024-01-19\n\n"
     "The delegations resumed talks on immigration due to the record number "
     "of migrants crossing the common border, officials said on Friday."},
    {"es/frontera.txt",
     "Conversaciones sobre la frontera\n\n2024-02-28\n\n"
     "Los gobiernos de México y Estados Unidos sostendrán conversaciones "
     "sobre el flujo migratorio y la migración en la frontera común."},
    {"en/undated.txt",
     "Running for office\n\n"
     "The senator said she is running for office again and will talk about "
     "the border and about migration at every stop of the campaign."},
};

struct Index {
  TempDir dir;
  bilex::IndexSummary first;
  Index() {
    for (const auto& f : kCorpus) dir.write(std::string("in/") + f[0], f[1]);
    first = run();
  }
  bilex::IndexSummary run(bool rebuild = false) const {
    bilex::IndexOptions opts;
    opts.db = dir.str("db");
    opts.paths = {dir.str("in")};
    opts.rebuild = rebuild;
    opts.jobs = 2;
    return bilex::run_index(opts, nullptr);
  }
};

// Without query bridging unless `req` asks for it: these tests check what
// the words as spelled match; the bridging tests below turn it on.
bilex::SearchRequest monolingual() {
  bilex::SearchRequest req;
  req.bridge = false;
  return req;
}

bilex::SearchResult search(const Index& ix, const std::string& q,
                           bilex::SearchRequest req = monolingual()) {
  req.query = q;
  bilex::Searcher s(ix.dir.str("db"));
  return s.search(req);
}

// The index of `n` English articles in one JSON Lines file of `dir`, the
// i-th "Report i." and then body(i); returns its path.
std::string jsonl_index(const TempDir& dir, int n,
                        const std::function<std::string(int)>& body) {
  std::string lines;
  for (int i = 0; i < n; ++i)
    lines += "{\"id\":\"r" + std::to_string(i) +
             "\",\"title\":\"Report\",\"lang\":\"en\",\"body\":\"Report " +
             std::to_string(i) + "." + body(i) + "\"}\n";
  dir.write("in/reports.jsonl", lines);
  bilex::IndexOptions opts;
  opts.db = dir.str("db");
  opts.paths = {dir.str("in")};
  (void)bilex::run_index(opts, nullptr);
  return opts.db;
}

std::string ids(const bilex::SearchResult& r, bool sorted = true) {
  std::vector<std::string> out;
  for (const auto& h : r.hits) out.push_back(h.id);
  if (sorted) std::sort(out.begin(), out.end());
  return bilex::test::join(out);
}

}  // namespace

TEST_CASE("run_index: first run / re-run / change / removal / rebuild" *
          doctest::test_suite("threads")) {
  Index ix;
  CHECK(ix.first.added == 3);
  CHECK(ix.first.docs == 3);
  CHECK(ix.first.skipped == 0);
  CHECK(ix.first.problems.empty());

  const auto again = ix.run();
  CHECK(again.added == 0);
  CHECK(again.unchanged == 3);
  CHECK(again.docs == 3);

  ix.dir.write("in/en/border.txt",
               "Border talks\n\nNew text with a walrusword in it.");
  const auto changed = ix.run();
  CHECK(changed.updated == 1);
  CHECK(changed.unchanged == 2);
  CHECK(ids(search(ix, "walrusword")) == "en/border.txt");
  CHECK(ids(search(ix, "immigration")).empty());

  std::filesystem::remove(ix.dir.path() / "in/en/undated.txt");
  const auto removed = ix.run();
  CHECK(removed.removed == 1);
  CHECK(removed.docs == 2);
  CHECK(ids(search(ix, "senator")).empty());

  const auto rebuilt = ix.run(/*rebuild=*/true);
  CHECK(rebuilt.added == 2);
  CHECK(rebuilt.docs == 2);
  CHECK(ids(search(ix, "walrusword")) == "en/border.txt");
}

TEST_CASE("run_index: bad inputs are reported, never thrown") {
  TempDir dir;
  dir.write("in/good.txt", "Headline\n\nA good article about the border.");
  dir.write("in/empty.txt", "");
  dir.write("in/binary.txt", std::string("ab\0cd\0ef", 8));
  dir.write("in/bad.txt", "Caf\xe9 con leche y palabras en espa\xf1ol.");
  dir.write("in/news.jsonl",
            "{\"id\":\"j1\",\"body\":\"jsonl body text\"}\n{broken\n");
  bilex::IndexOptions opts;
  opts.db = dir.str("db");
  opts.paths = {dir.str("in"), dir.str("does-not-exist")};
  bilex::IndexSummary s;
  REQUIRE_NOTHROW(s = bilex::run_index(opts, nullptr));
  CHECK(s.added == 3);    // good, bad (repaired), j1
  CHECK(s.skipped >= 3);  // empty, binary, news.jsonl:2 (+ the missing path)
  auto has_problem = [&](const std::string& tail, bool skipped) {
    return std::any_of(s.problems.begin(), s.problems.end(),
                       [&](const auto& p) {
                         return p.source.ends_with(tail) &&
                                p.skipped == skipped && !p.reason.empty();
                       });
  };
  CHECK(has_problem("empty.txt", true));
  CHECK(has_problem("binary.txt", true));
  CHECK(has_problem("news.jsonl:2", true));
  CHECK(has_problem("bad.txt", false));  // repaired: a warning
  CHECK(has_problem("does-not-exist", true));
}

TEST_CASE("run_index: a locked index is an IndexError naming the holder") {
  Index ix;
  // Hold the writer lock the way bilex-index does (flock on bilex.lock).
  const std::string lock = ix.dir.str("db/bilex.lock");
  const int fd = ::open(lock.c_str(), O_RDWR | O_CREAT, 0644);
  REQUIRE(fd >= 0);
  REQUIRE(::flock(fd, LOCK_EX | LOCK_NB) == 0);
  bilex::IndexOptions opts;
  opts.db = ix.dir.str("db");
  opts.paths = {ix.dir.str("in")};
  // flock(2) locks belong to the open file description: a second open in
  // this process conflicts just like another process would.
  CHECK_THROWS_WITH_AS(bilex::run_index(opts, nullptr),
                       doctest::Contains("being updated by process"),
                       bilex::IndexError);
  ::close(fd);
  CHECK_NOTHROW(bilex::run_index(opts, nullptr));
  // Searchers are not writers.
  CHECK(ids(search(ix, "border")) == "en/border.txt en/undated.txt");
}

TEST_CASE("Searcher: no usable index is an IndexError") {
  TempDir dir;
  CHECK_THROWS_AS(bilex::Searcher(dir.str("missing")), bilex::IndexError);
  std::filesystem::create_directories(dir.path() / "empty");
  CHECK_THROWS_AS(bilex::Searcher(dir.str("empty")), bilex::IndexError);
}

TEST_CASE("Searcher: an open searcher follows updates and rebuilds" *
          doctest::test_suite("threads")) {
  Index ix;
  bilex::Searcher s(ix.dir.str("db"));
  bilex::SearchRequest req;
  req.query = "quarantine";
  CHECK(s.search(req).total == 0);
  // An incremental update: the next query reopens at the new revision
  // when Xapian says the old one is gone; a new article may need that.
  ix.dir.write("in/en/new.txt",
               "Quarantine ends\n\nThe quarantine of the port ended.");
  ix.run();
  req.query = "border";
  const size_t before = s.search(req).total;
  // --rebuild swaps another directory in under the path: the searcher
  // notices and opens it.
  ix.dir.write("in/en/newer.txt",
               "Border quarantine\n\nA quarantine at the border was lifted.");
  ix.run(/*rebuild=*/true);
  req.query = "quarantine";
  const bilex::SearchResult r = s.search(req);
  CHECK(r.total == 2);
  CHECK(ids(r) == "en/new.txt en/newer.txt");
  req.query = "border";
  CHECK(s.search(req).total == before + 1);
}

TEST_CASE("Searcher: metadata, ranks, limits, filters, sorting") {
  Index ix;
  bilex::SearchRequest req;

  auto r = search(ix, "border OR frontera", req);
  CHECK(r.total == 3);
  REQUIRE(r.hits.size() == 3);
  for (size_t i = 0; i < r.hits.size(); ++i) CHECK(r.hits[i].rank == i + 1);
  CHECK(r.took_ms >= 0);
  for (const auto& h : r.hits) {
    CAPTURE(h.id);
    if (h.id == "en/border.txt") {
      CHECK(h.title == "Border talks resume in Washington");
      CHECK(h.date == "2024-01-19");
      CHECK(h.lang == Lang::en);
    } else if (h.id == "es/frontera.txt") {
      CHECK(h.date == "2024-02-28");
      CHECK(h.lang == Lang::es);
    } else {
      CHECK(h.date.empty());
      CHECK(h.title == "Running for office");
    }
    CHECK_FALSE(h.snippet.text.empty());
  }

  req.limit = 1;
  req.offset = 1;
  r = search(ix, "border OR frontera", req);
  REQUIRE(r.hits.size() == 1);
  CHECK(r.hits[0].rank == 2);
  CHECK(r.offset == 1);
  CHECK(r.limit == 1);

  req = {};
  req.lang = Lang::es;
  CHECK(ids(search(ix, "border OR frontera", req)) == "es/frontera.txt");

  req = {};
  req.since = "2024-02-01";
  CHECK(ids(search(ix, "border OR frontera", req)) == "es/frontera.txt");
  req.since = "";
  req.until = "2024-01-31";
  CHECK(ids(search(ix, "border OR frontera", req)) == "en/border.txt");
  req.until = "2024-13-01";
  CHECK_THROWS_AS((void)search(ix, "border", req), bilex::QueryError);

  req = {};
  req.sort = bilex::SortOrder::date;
  r = search(ix, "border OR frontera", req);
  CHECK(ids(r, /*sorted=*/false) ==
        "es/frontera.txt en/border.txt en/undated.txt");

  req = {};
  req.snippets = false;
  for (const auto& h : search(ix, "border", req).hits)
    CHECK(h.snippet.text.empty());

  CHECK_THROWS_AS((void)search(ix, "lang:xx"), bilex::QueryError);
  CHECK(search(ix, "((").hits.empty());
}

TEST_CASE("Searcher: equal scores rank the newest first, on every page") {
  Index ix;
  // Six copies of one article, dated in the order of their names (the
  // order they are indexed in), and one that scores higher but is older.
  for (int n = 1; n <= 6; ++n)
    ix.dir.write("in/en/same-" + std::to_string(n) + ".txt",
                 "Lighthouse keepers\n\n2020-01-0" + std::to_string(n) +
                     "\n\nThe keepers of the old light met again.");
  ix.dir.write("in/en/best.txt",
               "Lighthouse keepers of the lighthouse\n\n2019-05-05\n\n"
               "A lighthouse and its keepers.");
  ix.run();
  const std::string expected =
      "en/best.txt en/same-6.txt en/same-5.txt en/same-4.txt en/same-3.txt "
      "en/same-2.txt en/same-1.txt";
  bilex::SearchRequest req;
  CHECK(ids(search(ix, "lighthouse keepers", req), false) == expected);
  std::vector<std::string> paged;
  for (size_t offset = 0; offset < 7; offset += 2) {
    req.offset = offset;
    req.limit = 2;
    paged.push_back(ids(search(ix, "lighthouse keepers", req), false));
  }
  CHECK(bilex::test::join(paged) == expected);
}

TEST_CASE("Searcher: equal scores and equal dates, in one page or many") {
  // Equal scores ordered within the page (by date, then as Xapian orders
  // equal dates) must give the order Xapian's tie-break gives pages whose
  // edge falls inside a run of equal scores.
  Index ix;
  for (int n = 1; n <= 8; ++n)
    ix.dir.write("in/en/copy-" + std::to_string(n) + ".txt",
                 "Lighthouse keepers\n\n2020-01-0" + std::to_string(n % 3 + 1) +
                     "\n\nThe keepers of the old light met again.");
  ix.run();
  bilex::SearchRequest req;
  const bilex::SearchResult one = search(ix, "lighthouse keepers", req);
  REQUIRE(one.hits.size() == 8);
  for (size_t i = 1; i < one.hits.size(); ++i)
    CHECK(one.hits[i - 1].date >= one.hits[i].date);
  for (size_t size : {1, 3}) {
    std::vector<std::string> paged;
    for (size_t offset = 0; offset < 8; offset += size) {
      req.offset = offset;
      req.limit = size;
      paged.push_back(ids(search(ix, "lighthouse keepers", req), false));
    }
    CHECK(bilex::test::join(paged) == ids(one, false));
  }
}

TEST_CASE("Searcher: a run of equal scores past the page, seen whole or not") {
  // 40 copies of one article, each a day newer than the one before. A page
  // fetched by relevance alone holds the run's lowest docids; the page must
  // hold the newest, whether the matches fetched beyond it (see
  // ranked_page) see the whole run (limit 25) or not (limit 10, pages of 3).
  TempDir dir;
  std::string lines;
  for (int i = 0; i < 40; ++i) {
    char date[32];
    std::snprintf(date, sizeof date, "2020-%02d-%02d", 1 + i / 25, 1 + i % 25);
    lines += "{\"id\":\"r" + std::to_string(i) + "\",\"date\":\"" + date +
             "\",\"title\":\"Lighthouse keepers\",\"lang\":\"en\",\"body\":"
             "\"The keepers of the old light met again.\"}\n";
  }
  dir.write("in/copies.jsonl", lines);
  bilex::IndexOptions opts;
  opts.db = dir.str("db");
  opts.paths = {dir.str("in")};
  (void)bilex::run_index(opts, nullptr);
  bilex::Searcher s(opts.db);
  auto newest = [](int from, int count) {
    std::vector<std::string> out;
    for (int i = from; i > from - count; --i) {
      std::string id = "r";
      out.push_back(id += std::to_string(i));
    }
    return bilex::test::join(out);
  };
  bilex::SearchRequest req;
  req.query = "lighthouse keepers";
  for (size_t limit : {10, 25, 40}) {
    req.limit = limit;
    CHECK(ids(s.search(req), false) == newest(39, static_cast<int>(limit)));
  }
  std::vector<std::string> paged;
  req.limit = 3;
  for (req.offset = 0; req.offset < 40; req.offset += 3)
    paged.push_back(ids(s.search(req), false));
  CHECK(bilex::test::join(paged) == newest(39, 40));
}

TEST_CASE("Searcher: the estimated total of some-words matches") {
  // 400 articles: "alpha" in half, "beta" in half, both in a quarter, so
  // that 300 hold one or both. Too many to count; the estimate must be
  // near (counting a word's spellings and stems as one word).
  TempDir dir;
  bilex::Searcher s(jsonl_index(dir, 400, [](int i) {
    std::string body;
    if (i % 2 == 0) body += " The alpha test.";
    if (i % 4 < 2) body += " The beta tests.";
    return body;
  }));
  bilex::SearchRequest req;
  req.query = "alpha beta";
  const bilex::SearchResult r = s.search(req);
  CHECK(r.hits.size() == 10);
  CHECK(r.total >= 285);
  CHECK(r.total <= 315);
  // A filter is not in the estimate: the count is Xapian's.
  req.query = "alpha beta lang:en";
  CHECK(s.search(req).total >= 100);
}

TEST_CASE("Searcher: some-words matches of a small index are counted") {
  // 60 articles, "alpha" in the first 50, "beta" in the last 50: 40 hold
  // both, 20 one of them. Independence would say 58.
  TempDir dir;
  bilex::Searcher s(jsonl_index(dir, 60, [](int i) {
    std::string body;
    if (i < 50) body += " The alpha test.";
    if (i >= 10) body += " The beta test.";
    return body;
  }));
  bilex::SearchRequest req;
  req.query = "alpha beta";
  req.limit = 100;
  const bilex::SearchResult r = s.search(req);
  CHECK(r.hits.size() == 60);
  CHECK(r.total == 60);
  req.query = "alpha alpha beta";
  CHECK(s.search(req).total == 60);
}

TEST_CASE("Searcher: one query, both languages, accents and stems") {
  Index ix;
  CHECK(ids(search(ix, "run")) == "en/undated.txt");
  CHECK(ids(search(ix, "cross")) == "en/border.txt");
  CHECK(ids(search(ix, "MIGRACION")) == "es/frontera.txt");
  CHECK(ids(search(ix, "mexico")) == "es/frontera.txt");
  CHECK(ids(search(ix, "\"flujo migratorio\"")) == "es/frontera.txt");
  CHECK(ids(search(ix, "\"migratorio flujo\"")).empty());
  // Partial matches after full ones.
  const auto r = search(ix, "senator walrusnothing");
  CHECK(ids(r) == "en/undated.txt");
  REQUIRE(r.hits.size() == 1);
  CHECK(r.hits[0].partial);
}

TEST_CASE("result_json has the shape of docs/formats.md") {
  bilex::SearchResult r;
  r.query = "a \"quoted\" query";
  r.total = 7;
  r.offset = 2;
  r.limit = 5;
  r.took_ms = 1.23456;
  bilex::Hit h;
  h.rank = 3;
  h.id = "x/y.txt";
  h.title = "T <b>";
  h.date = "2024-01-19";
  h.lang = Lang::es;
  h.score = 1.234567;
  h.snippet.text = "a & b";
  h.snippet.marks = {{4, 5}};
  r.hits.push_back(h);
  h.date.clear();
  h.rank = 4;
  r.hits.push_back(h);

  const std::string line = bilex::result_json(r, /*explain=*/false);
  CHECK(line.find('\n') == std::string::npos);
  const auto j = nlohmann::json::parse(line);
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.push_back(k);
  std::sort(keys.begin(), keys.end());
  CHECK(bilex::test::join(keys) ==
        "hits limit offset query suggestion took_ms total");
  CHECK(j["query"] == r.query);
  CHECK(j["total"] == 7);
  CHECK(j["offset"] == 2);
  CHECK(j["limit"] == 5);
  CHECK(j["took_ms"].is_number());
  CHECK(j["suggestion"].is_null());
  REQUIRE(j["hits"].size() == 2);
  const auto& h0 = j["hits"][0];
  CHECK(h0["rank"] == 3);
  CHECK(h0["id"] == "x/y.txt");
  CHECK(h0["title"] == "T <b>");  // JSON-escaped, not HTML-escaped
  CHECK(h0["date"] == "2024-01-19");
  CHECK(h0["lang"] == "es");
  CHECK(h0["score"].is_number());
  CHECK(h0["snippet"] == "a &amp; <mark>b</mark>");
  CHECK(j["hits"][1]["date"].is_null());

  r.suggestion = "border";
  CHECK(nlohmann::json::parse(bilex::result_json(r, false))["suggestion"] ==
        "border");
}

TEST_CASE("Searcher: the words a partial match lacks, for people") {
  Index ix;
  bilex::SearchRequest req = monolingual();
  req.query = "border senator";
  bilex::Searcher s(ix.dir.str("db"));
  CHECK(s.search(req).hits.at(1).missing.empty());  // not asked for
  req.missing_words = true;
  const bilex::SearchResult r = s.search(req);
  REQUIRE(r.hits.size() == 2);
  CHECK(r.hits[0].id == "en/undated.txt");  // holds both words
  CHECK(r.hits[0].missing.empty());
  CHECK(r.hits[1].id == "en/border.txt");
  CHECK(r.hits[1].partial);
  CHECK(bilex::test::join(r.hits[1].missing) == "senator");
  std::ostringstream text;
  bilex::print_result(text, r, bilex::PrintOptions{});
  CHECK(text.str().find("en/border.txt · missing: senator\n") !=
        std::string::npos);
  // A phrase is not a plain word: no list.
  req.query = "\"common border\" senator";
  for (const auto& h : s.search(req).hits) CHECK(h.missing.empty());
}

TEST_CASE("print_result: text with and without colour, tsv") {
  bilex::SearchResult r;
  r.query = "cross";
  r.total = 1;
  r.limit = 10;
  bilex::Hit h;
  h.rank = 1;
  h.id = "a.txt";
  h.title = "A title";
  h.date = "2024-01-19";
  h.lang = Lang::en;
  h.snippet.text = "migrants crossing\tthe border";
  h.snippet.marks = {{9, 17}};
  r.hits.push_back(h);

  bilex::PrintOptions o;
  std::ostringstream plain;
  bilex::print_result(plain, r, o);
  CHECK(plain.str().find('\033') == std::string::npos);
  for (const char* part : {"1. ", "A title", "2024-01-19", "en", "a.txt",
                           "migrants crossing", "of about 1"}) {
    CAPTURE(part);
    CHECK(plain.str().find(part) != std::string::npos);
  }

  o.color = true;
  std::ostringstream color;
  bilex::print_result(color, r, o);
  CHECK(color.str().find("\033[") != std::string::npos);

  r.suggestion = "crossed";
  o.color = false;
  std::ostringstream suggest;
  bilex::print_result(suggest, r, o);
  CHECK(suggest.str().find("Did you mean: crossed") != std::string::npos);

  o.format = bilex::Format::tsv;
  std::ostringstream tsv;
  bilex::print_result(tsv, r, o);
  const std::string line = tsv.str();
  CHECK(std::count(line.begin(), line.end(), '\n') == 1);
  CHECK(std::count(line.begin(), line.end(), '\t') == 6);  // tab in snippet
                                                           // replaced

  bilex::SearchResult none;
  none.query = "zzz";
  std::ostringstream empty;
  bilex::print_result(empty, none, bilex::PrintOptions{});
  CHECK(empty.str().find("No results") != std::string::npos);
}

TEST_CASE("read_queries and run_batch" * doctest::test_suite("threads")) {
  std::istringstream in("one\n\n  \ntwo words\r\n\"a phrase\"\n");
  const auto qs = bilex::read_queries(in);
  CHECK(bilex::test::join(qs, "|") == "one|two words|\"a phrase\"");

  Index ix;
  bilex::SearchRequest base = monolingual();
  std::ostringstream out;
  const size_t failed = bilex::run_batch(
      ix.dir.str("db"), {"border", "lang:xx", "frontera"}, base, out, false);
  CHECK(failed == 1);
  std::istringstream lines(out.str());
  std::string line;
  std::vector<nlohmann::json> js;
  while (std::getline(lines, line)) js.push_back(nlohmann::json::parse(line));
  REQUIRE(js.size() == 3);
  CHECK(js[0]["query"] == "border");
  CHECK(js[0]["hits"].size() == 2);
  CHECK(js[1].contains("error"));
  CHECK(js[2]["hits"].size() == 1);

  std::ostringstream bench;
  bilex::run_bench(ix.dir.str("db"), {"border", "frontera"}, base, {2, 2},
                   bench);
  const auto b = nlohmann::json::parse(bench.str());
  for (const char* k :
       {"queries", "p50_ms", "p95_ms", "p99_ms", "mean_ms", "qps"}) {
    CAPTURE(k);
    CHECK(b[k].is_number());
  }
}

TEST_CASE("Searcher: a helper thread gives the same hits and snippets" *
          doctest::test_suite("threads")) {
  TempDir dir;
  const std::string db = jsonl_index(dir, 60, [](int i) {
    std::string b = " Officials said";
    for (int k = 0; k <= i % 7; ++k) b += " the talks on the border went on.";
    if (i % 3 == 0) b += " Migrants crossing the river waited.";
    if (i % 5 == 0) b += " A storm closed the border crossing for a day.";
    return b;
  });
  bilex::Searcher alone(db), helped(db, /*helper=*/true);
  for (const char* q : {"border", "border crossing", "\"the border\"",
                        "migrants storm", "talk*", "crossings -storm", "zzz"}) {
    CAPTURE(q);
    bilex::SearchRequest req;
    req.query = q;
    req.limit = 20;
    const bilex::SearchResult a = alone.search(req), b = helped.search(req);
    CHECK(a.total == b.total);
    CHECK(a.suggestion == b.suggestion);
    REQUIRE(a.hits.size() == b.hits.size());
    for (size_t i = 0; i < a.hits.size(); ++i) {
      CHECK(a.hits[i].id == b.hits[i].id);
      CHECK(a.hits[i].title == b.hits[i].title);
      CHECK(a.hits[i].score == b.hits[i].score);
      CHECK(a.hits[i].snippet.text == b.hits[i].snippet.text);
      CHECK(a.hits[i].snippet.marks == b.hits[i].snippet.marks);
      CHECK_FALSE(b.hits[i].snippet.text.empty());
    }
  }
}

TEST_CASE(
    "Searcher: bridging ranks, highlights and explains a translated match") {
  Index ix;
  bilex::SearchRequest req;
  req.explain = true;
  req.translations = true;
  const bilex::SearchResult r = search(ix, "frontera", req);
  // The Spanish article first, then the English ones through "border".
  REQUIRE(r.hits.size() == 3);
  CHECK(r.hits[0].id == "es/frontera.txt");
  CHECK(r.hits[0].translations.empty());
  CHECK(r.hits[0].score > r.hits[1].score);
  for (size_t i = 1; i < 3; ++i) {
    CAPTURE(r.hits[i].id);
    CHECK(r.hits[i].lang == Lang::en);
    CHECK(r.hits[i].translations == std::vector<std::string>{"border"});
    // The translated word is highlighted.
    bool marked = false;
    for (const auto& [b, e] : r.hits[i].snippet.marks)
      marked |= bilex::Analyzer().fold(
                    r.hits[i].snippet.text.substr(b, e - b)) == "border";
    CHECK(marked);
    CHECK(r.hits[i].contributions.at(0).second > 0);
  }
  // --explain: the word's translations and their weight.
  REQUIRE(r.bridged.size() == 1);
  CHECK(r.bridged[0].first == "frontera");
  REQUIRE(!r.bridged[0].second.empty());
  CHECK(r.bridged[0].second[0].text == "border");
  CHECK(r.bridged[0].second[0].weight == doctest::Approx(bilex::kBridgeWeight));
  std::ostringstream text, json;
  bilex::PrintOptions p;
  p.explain = true;
  bilex::print_result(text, r, p);
  CHECK(text.str().find("translations of frontera: border (en x") !=
        std::string::npos);
  const auto j = nlohmann::json::parse(bilex::result_json(r, true));
  CHECK(j["bridged"][0]["translations"][0]["word"] == "border");
  CHECK(j["hits"][1]["translations"][0] == "border");
  CHECK_FALSE(j["hits"][0].contains("translations"));
  // Off: the Spanish article alone.
  CHECK(ids(search(ix, "frontera")) == "es/frontera.txt");
  // A translation rarer than the word ("frontera": 1 article, "border": 2)
  // weighs less, so that it never outweighs the word itself.
  const bilex::SearchResult b = search(ix, "border", req);
  REQUIRE(b.hits.size() == 3);
  CHECK(b.hits[0].id == "en/border.txt");
  REQUIRE(b.bridged.size() == 1);
  REQUIRE(!b.bridged[0].second.empty());
  CHECK(b.bridged[0].second[0].weight < bilex::kBridgeWeight);
  // An English question reaches the Spanish article through "migración".
  CHECK(ids(search(ix, "the migration", bilex::SearchRequest{}))
            .find("es/frontera.txt") != std::string::npos);
}
