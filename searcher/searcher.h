// bilex-search's work: a query -> Xapian Enquire -> ranked hits with
// snippets. Returns data; printing is printer.h's job.
#pragma once

#include <sys/types.h>
#include <xapian.h>

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/analyzer.h"
#include "common/document.h"
#include "common/query.h"
#include "common/snippet.h"
#include "searcher/helper_thread.h"
#include "searcher/weighting.h"

namespace bilex {

enum class SortOrder { relevance, date };

struct SearchRequest {
  std::string query;
  size_t limit = 10;
  size_t offset = 0;
  std::optional<Lang> lang;
  std::string since, until;  // YYYY-MM-DD or empty
  SortOrder sort = SortOrder::relevance;
  MatchMode match = MatchMode::ranked;
  bool snippets = true;
  size_t snippet_chars = 200;
  bool explain = false;        // fill Hit::contributions
  bool missing_words = false;  // fill Hit::missing
  // Query bridging: each word also searches its translations into the
  // other language (common/lexicon.h); off when the lexicon is missing.
  bool bridge = true;
  bool translations = false;  // fill Hit::translations
  // BM25 parameters: term frequency saturation and document length
  // normalization (defaults chosen on the IR test collections:
  // docs/ranking.md).
  double bm25_k1 = kDefaultK1;
  double bm25_b = kDefaultB;
  // The weighting model (searcher/weighting.h): BM25 unless asked.
  Weighting weighting;
  // Pseudo-relevance feedback, for queries of at least
  // `feedback_min_words` words: the stems that best tell the top
  // `feedback_docs` hits apart (at most `feedback_terms`) are added to the
  // query, the strongest with `feedback_weight` times its BM25 weight.
  // 0 docs: off.
  size_t feedback_docs = kDefaultFeedbackDocs;
  // An index of shards (a stub database) answers from the shards that
  // answered when some did not (SearchResult::unavailable); without this,
  // the search throws IndexError naming them.
  bool allow_partial = false;
  size_t feedback_terms = kDefaultFeedbackTerms;
  double feedback_weight = kDefaultFeedbackWeight;
  // Feedback's reach by query length: only for queries of at least
  // `feedback_min_words` words; with `feedback_per_words` > 0, its weight
  // is feedback_weight × words / feedback_per_words.
  size_t feedback_min_words = kFeedbackMinWords;
  size_t feedback_per_words = 0;
  // Proximity for phrase-like queries (2 to `proximity_words` plain
  // words): documents holding the words' exact forms within
  // `proximity_window` positions score them again, times
  // `proximity_weight`. 0 words: off.
  size_t proximity_words = 0;
  size_t proximity_window = 0;
  double proximity_weight = 0;

  static constexpr double kDefaultK1 = 1.2;
  static constexpr double kDefaultB = 0.75;
  // Chosen on the IR test collections (docs/ranking.md, experiment 6).
  static constexpr size_t kDefaultFeedbackDocs = 10;
  static constexpr size_t kDefaultFeedbackTerms = 10;
  static constexpr double kDefaultFeedbackWeight = 0.2;
  static constexpr size_t kFeedbackMinWords = 4;
};

struct Hit {
  size_t rank = 0;  // 1-based, counting the offset
  std::string id, title, date;
  Lang lang = Lang::und;
  double score = 0;
  bool partial = false;  // matched only some of the query's words
  // With SearchRequest::missing_words, for a partial match of a query of
  // plain words: the words it lacks, as typed.
  std::vector<std::string> missing;
  // With SearchRequest::translations: the query's translated words that
  // this document has, as the dictionary writes them.
  std::vector<std::string> translations;
  Snippet snippet;
  // With SearchRequest::explain: what each query word or phrase adds to the
  // score (BM25 of its terms in this document), in query order.
  std::vector<std::pair<std::string, double>> contributions;
};

struct SearchResult {
  std::string query;
  size_t total = 0;  // estimated number of matching documents
  size_t offset = 0, limit = 0;
  double took_ms = 0;
  std::optional<std::string> suggestion;
  std::string parsed;           // the Xapian query, for --explain
  Lang query_lang = Lang::und;  // as the query's function words tell it
  // What each query word or phrase with translations also searched.
  std::vector<std::pair<std::string, std::vector<BridgedWord>>> bridged;
  // Why bridging is off though asked for (no lexicon); else empty.
  std::string bridge_note;
  std::vector<Hit> hits;
  // With SearchRequest::allow_partial: the shards left out of the answer,
  // each "database N of M (stub line) did not answer: why".
  std::vector<std::string> unavailable;
};

// What ranks hits within their tier on top of the query's own words
// (either may be empty).
struct Boosts {
  Xapian::Query feedback, proximity;
};

// One open index. Not thread-safe: use one Searcher per thread. A Searcher
// owns its Xapian::Database, Analyzer and helper thread and shares none of
// them, so Searchers on many threads can search one index at once (what
// they do share, the stored bodies' dictionaries, is immutable and locked:
// stored.h).
// Documents' stored data by document number.
using StoredData = std::unordered_map<Xapian::docid, std::string>;

class Searcher {
 public:
  // Opens the index at `db_path`; throws IndexError when there is no usable
  // index there (missing, or built by an incompatible version). With
  // `helper`, a second thread builds half of each query's snippets (see
  // HelperThread): for a process that searches on one thread and has a
  // core to spare.
  explicit Searcher(const std::string& db_path, bool helper = false);
  ~Searcher();
  Searcher(const Searcher&) = delete;
  Searcher& operator=(const Searcher&) = delete;

  // Answers `req`; throws QueryError for a query or option that cannot be
  // understood. Retries when the index changes under it; opens the new
  // index when --rebuild has swapped one in.
  [[nodiscard]] SearchResult search(const SearchRequest& req);

  // What the index cannot do as opened, for the user (empty when all is
  // well): a stub whose first database is not the index's lexicon has no
  // spelling suggestions and no accent synonyms.
  [[nodiscard]] const std::string& note() const { return note_; }

  // Moves to the index's latest commit: a Searcher otherwise answers from
  // the commit it opened (a long-lived one, as in bilex-serve, calls this
  // before each request). An index swapped or gone is left to the next
  // search(), which opens it again or says why it cannot.
  void refresh() noexcept {
    try {
      db_.reopen();
    } catch (const Xapian::Error&) {
    }
  }

 private:
  void open();
  void check_index(const Xapian::Database& db);
  bool moved(dev_t dev, ino_t ino) const;
  SearchResult search_once(const SearchRequest& req);
  ParsedQuery parse(const SearchRequest& req, const Lexicon* lexicon) const;
  void read_hits(const SearchRequest& req, const ParsedQuery& pq,
                 const Xapian::MSet& mset,
                 const std::vector<std::string>& stored,
                 std::vector<Document>* docs, std::vector<Snippet>* snippets,
                 std::optional<std::string>* suggestion);
  // `stats` (optional): the matches of the query, whose term statistics
  // spare index reads.
  std::optional<std::string> suggest(const std::string& query,
                                     const ParsedQuery& pq,
                                     const Xapian::MSet* stats);
  std::string nearest_spelling(const std::string& word, bool held) const;
  bool rare(const std::string& word, uint64_t df) const;
  // Over remote shards, the feedback documents' data go to `stored`.
  Xapian::Query feedback(const SearchRequest& req, const ParsedQuery& pq,
                         const Xapian::Query& filter, StoredData* stored);
  // The feedback terms (see feedback) and the proximity boost of `req`.
  Boosts boosts_of(const SearchRequest& req, const ParsedQuery& pq,
                   const Xapian::Query& filter, StoredData* stored);
  void explain(const SearchRequest& req, const ParsedQuery& pq,
               const Boosts& boosts, Hit* hit);

  std::string path_;
  int dir_fd_ = -1;  // the index directory, held open (see open())
  dev_t dir_dev_ = 0;
  ino_t dir_ino_ = 0;
  Xapian::Database db_;
  std::vector<std::string> unavailable_;  // stub members left out
  bool remote_ = false;                   // a stub with remote members
  std::string note_;
  Analyzer analyzer_;
  std::unique_ptr<HelperThread> helper_;  // or none
};

}  // namespace bilex
