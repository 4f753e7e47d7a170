// What ranks hits on top of the query's own words: feedback's reach by
// query length and the proximity boost of phrase-like queries.
#include <doctest/doctest.h>
#include <xapian.h>

#include <string>
#include <vector>

#include "common/analyzer.h"
#include "common/query.h"
#include "indexer/indexer.h"
#include "searcher/expansion.h"
#include "searcher/searcher.h"
#include "tests/test_util.h"

namespace bilex {
namespace {

std::vector<MatchGroup> groups_of(const std::string& text) {
  static const Analyzer analyzer;
  return parse_query(text, analyzer, nullptr, MatchMode::ranked, nullptr)
      .groups;
}

std::string boost_of(const std::string& text, size_t max_words = 4,
                     size_t window = 3, double weight = 0.2) {
  return proximity_boost(groups_of(text), max_words, window, weight)
      .get_description();
}

// An index of JSON Lines articles (id, body) in `dir`; returns its path.
std::string index_of(
    const test::TempDir& dir,
    const std::vector<std::pair<std::string, std::string>>& articles) {
  std::string lines;
  for (const auto& [id, body] : articles)
    lines += "{\"id\":\"" + id + "\",\"title\":\"Report\",\"lang\":\"en\"," +
             "\"body\":\"" + body + "\"}\n";
  dir.write("in/a.jsonl", lines);
  IndexOptions opts;
  opts.db = dir.str("db");
  opts.paths = {dir.str("in")};
  (void)run_index(opts, nullptr);
  return opts.db;
}

double score_of(const SearchResult& r, const std::string& id) {
  for (const Hit& h : r.hits)
    if (h.id == id) return h.score;
  FAIL("no hit " << id);
  return 0;
}

// The share of the part of each hit's score named `label`, summed.
double part_of(const SearchResult& r, const std::string& label) {
  double sum = 0;
  for (const Hit& h : r.hits)
    for (const auto& [query, score] : h.contributions)
      if (query == label) sum += score;
  return sum;
}

TEST_CASE("feedback_weight_for: constant, or growing with the words") {
  CHECK(feedback_weight_for(0.2, 4, 0) == doctest::Approx(0.2));
  CHECK(feedback_weight_for(0.2, 20, 0) == doctest::Approx(0.2));
  CHECK(feedback_weight_for(0.2, 4, 8) == doctest::Approx(0.1));
  CHECK(feedback_weight_for(0.2, 16, 8) == doctest::Approx(0.4));
}

TEST_CASE("proximity_boost: phrase-like queries of 2 to N plain words") {
  CHECK(boost_of("border talks").find("NEAR 3") != std::string::npos);
  CHECK(boost_of("border talks").find("0.2") != std::string::npos);
  // The window is at least the number of words.
  CHECK(boost_of("border talks resume washington", 4, 2).find("NEAR 4") !=
        std::string::npos);
  // Function words are left out; a repeated word counts once.
  CHECK(boost_of("the border of talks").find("the") == std::string::npos);
  CHECK(boost_of("the border of talks").find("NEAR 3") != std::string::npos);
  CHECK(plain_words(groups_of("when did the panthers win")) == 2);
  CHECK(boost_of("border talks border").find("NEAR 3") != std::string::npos);
  CHECK(plain_words(groups_of("border talks resume")) == 3);
  // No boost: one word, more than N, a quoted phrase, a prefix, weight 0.
  CHECK(boost_of("border") == "Query()");
  CHECK(boost_of("border border") == "Query()");
  CHECK(boost_of("border talks resume in washington today") == "Query()");
  CHECK(boost_of("\"border talks\" resume") == "Query()");
  CHECK(boost_of("border tal*") == "Query()");
  CHECK(boost_of("border talks", 4, 3, 0) == "Query()");
  CHECK(boost_of("border talks", 0) == "Query()");
}

TEST_CASE("Searcher: proximity ranks the words together first") {
  test::TempDir dir;
  // The same words, as many times: only their distance differs.
  bilex::Searcher s(index_of(
      dir, {{"apart", "Alpha one two three four five six seven beta."},
            {"together", "Alpha beta one two three four five six seven."}}));
  SearchRequest req;
  req.query = "alpha beta";
  req.bridge = false;
  req.explain = true;
  const SearchResult off = s.search(req);
  CHECK(score_of(off, "apart") == doctest::Approx(score_of(off, "together")));
  CHECK(part_of(off, "(proximity)") == 0);
  req.proximity_words = 4;
  req.proximity_window = 2;
  req.proximity_weight = 0.5;
  const SearchResult on = s.search(req);
  REQUIRE(on.hits.size() == 2);
  CHECK(on.hits[0].id == "together");
  CHECK(score_of(on, "together") > score_of(on, "apart"));
  CHECK(score_of(on, "apart") == doctest::Approx(score_of(off, "apart")));
  CHECK(part_of(on, "(proximity)") > 0);
  // The parts still add up to the score.
  for (const Hit& h : on.hits) {
    double sum = 0;
    for (const auto& part : h.contributions) sum += part.second;
    CHECK(sum == doctest::Approx(h.score));
  }
}

TEST_CASE("Searcher: feedback's reach by query length") {
  test::TempDir dir;
  IndexOptions opts;
  opts.db = dir.str("db");
  opts.paths = {BILEX_CORPUS_DIR};
  REQUIRE(run_index(opts, nullptr).docs >= 5);
  bilex::Searcher s(opts.db);
  SearchRequest req;
  req.query = "migrants crossing the border record numbers";
  req.bridge = false;
  req.explain = true;
  const double plain = part_of(s.search(req), "(feedback terms)");
  REQUIRE(plain > 0);
  // Six words ("the" of a keyword query is one): at 12 words a unit, half
  // the weight; at 6, the same.
  req.feedback_per_words = 12;
  CHECK(part_of(s.search(req), "(feedback terms)") ==
        doctest::Approx(plain / 2));
  req.feedback_per_words = 6;
  CHECK(part_of(s.search(req), "(feedback terms)") == doctest::Approx(plain));
  // Not for queries shorter than the minimum.
  req.feedback_min_words = 7;
  CHECK(part_of(s.search(req), "(feedback terms)") == 0);
  req.feedback_min_words = 6;
  CHECK(part_of(s.search(req), "(feedback terms)") > 0);
}

}  // namespace
}  // namespace bilex
