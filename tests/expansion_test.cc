// Feedback's term selection: the same terms and weights as Xapian's
// get_eset on one database, and the same again when the documents are
// split over two databases combined into one.
#include "searcher/expansion.h"

#include <doctest/doctest.h>
#include <xapian.h>

#include <random>
#include <string>
#include <vector>

#include "common/analyzer.h"
#include "indexer/indexer.h"
#include "tests/test_util.h"

namespace bilex {
namespace {

// Documents of words drawn unevenly from a small vocabulary, of uneven
// lengths, with a term of no wdf (a boolean one) in each.
std::vector<Xapian::Document> sample_documents() {
  std::mt19937 rng(7);
  std::vector<Xapian::Document> docs;
  for (int d = 0; d < 60; ++d) {
    Xapian::Document doc;
    const int len = 5 + static_cast<int>(rng() % 40);
    for (int i = 0; i < len; ++i) {
      const unsigned w = (rng() % 30) * (rng() % 30) / 29;
      doc.add_term(std::string(1, 'w').append(std::to_string(w)));
    }
    doc.add_boolean_term(std::string("Kdoc").append(std::to_string(d % 3)));
    docs.push_back(doc);
  }
  return docs;
}

bool not_boolean(const std::string& t) { return t[0] == 'w'; }

TEST_CASE("expand_terms weighs as get_eset does on one database") {
  test::TempDir dir;
  Xapian::WritableDatabase db(dir.str("one"), Xapian::DB_CREATE);
  for (const Xapian::Document& doc : sample_documents()) db.add_document(doc);
  db.commit();
  const std::vector<Xapian::docid> rel{3, 8, 15, 16, 42};

  Xapian::Enquire enquire(db);
  Xapian::RSet rset;
  for (const Xapian::docid d : rel) rset.add_document(d);
  struct Decider : Xapian::ExpandDecider {
    bool operator()(const std::string& t) const override {
      return not_boolean(t);
    }
  } decider;
  const Xapian::ESet eset = enquire.get_eset(8, rset, &decider);
  std::vector<TermCounts> docs;
  for (const Xapian::docid d : rel) docs.push_back(term_counts(db, d));
  const std::vector<ExpandTerm> ours =
      expand_terms(db, docs, 8, not_boolean, false);

  REQUIRE(eset.size() == ours.size());
  REQUIRE(ours.size() == 8);
  size_t i = 0;
  for (auto it = eset.begin(); it != eset.end(); ++it, ++i) {
    CHECK(ours[i].term == *it);
    CHECK(ours[i].weight == doctest::Approx(it.get_weight()).epsilon(1e-12));
  }
}

TEST_CASE("expand_terms: the same over two combined databases") {
  test::TempDir dir;
  Xapian::WritableDatabase one(dir.str("one"), Xapian::DB_CREATE);
  Xapian::WritableDatabase a(dir.str("a"), Xapian::DB_CREATE);
  Xapian::WritableDatabase b(dir.str("b"), Xapian::DB_CREATE);
  const std::vector<Xapian::Document> sample = sample_documents();
  for (size_t d = 0; d < sample.size(); ++d) {
    one.add_document(sample[d]);
    (d % 2 == 0 ? a : b).add_document(sample[d]);
  }
  one.commit();
  a.commit();
  b.commit();
  Xapian::Database both(dir.str("a"));
  both.add_database(Xapian::Database(dir.str("b")));
  // Document d of `one` (from 1) is (d-1)/2+1 of a or b; combined, the
  // members interleave, so it keeps its number.
  const std::vector<Xapian::docid> rel{2, 7, 20, 33};
  const Xapian::Database single(dir.str("one"));
  std::vector<TermCounts> docs;
  for (const Xapian::docid d : rel) docs.push_back(term_counts(single, d));
  const auto whole = expand_terms(single, docs, 10, not_boolean, false);
  REQUIRE(whole.size() >= 5);
  // Look-ups each, or the statistics of one match (as for remote members).
  for (const bool one_match : {false, true}) {
    std::vector<TermCounts> split_docs;
    for (const Xapian::docid d : rel)
      split_docs.push_back(term_counts(both, d));
    REQUIRE(split_docs == docs);
    const auto split =
        expand_terms(both, split_docs, 10, not_boolean, one_match);
    REQUIRE(split.size() == whole.size());
    for (size_t i = 0; i < whole.size(); ++i) {
      CHECK(split[i].term == whole[i].term);
      CHECK(split[i].weight == doctest::Approx(whole[i].weight).epsilon(1e-12));
    }
  }
}

TEST_CASE("expand_terms: nothing asked, nothing accepted") {
  test::TempDir dir;
  Xapian::WritableDatabase db(dir.str("one"), Xapian::DB_CREATE);
  for (const Xapian::Document& doc : sample_documents()) db.add_document(doc);
  db.commit();
  const std::vector<TermCounts> docs{term_counts(db, 1), term_counts(db, 2)};
  CHECK(expand_terms(db, docs, 0, not_boolean, false).empty());
  const auto none = [](const std::string&) { return false; };
  CHECK(expand_terms(db, docs, 5, none, false).empty());
}

TEST_CASE(
    "analyzed_terms: a stored article gives the terms it was indexed with") {
  test::TempDir dir;
  IndexOptions opts;
  opts.db = dir.str("db");
  opts.paths = {BILEX_CORPUS_DIR};
  REQUIRE(run_index(opts, nullptr).docs >= 5);
  const Xapian::Database db(opts.db);
  const Analyzer analyzer;
  for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
    TermCounts indexed;
    for (const auto& [term, wdf] : term_counts(db, *it))
      if (wdf > 0) indexed.emplace_back(term, wdf);
    const TermCounts again =
        analyzed_terms(analyzer, db.get_document(*it).get_data());
    CHECK(again == indexed);
    Xapian::termcount len = 0;
    for (const auto& entry : again) len += entry.second;
    CHECK(len == db.get_doclength(*it));
  }
}

}  // namespace
}  // namespace bilex
