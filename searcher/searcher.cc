#include "searcher/searcher.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <numeric>
#include <optional>
#include <unordered_set>

#include "common/date.h"
#include "common/document.h"
#include "common/error.h"
#include "common/hash.h"
#include "common/lexicon.h"
#include "common/schema.h"
#include "common/stopwords.h"
#include "common/stored.h"
#include "searcher/expansion.h"
#include "searcher/shards.h"
#include "searcher/spelling.h"

namespace bilex {
namespace {

constexpr size_t kCheckAtLeast = 100;

// The number of documents the enquire's query matches, for "about N": exact
// when it is small, else estimated from the terms' statistics. Counting
// every partial match of two or three common words was most of the time of
// such queries (0.9 of 1.3 ms), for a figure shown rounded.
size_t count_matches(Xapian::Enquire& enquire) {
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  Xapian::MSet m = enquire.get_mset(0, 0);
  if (m.get_matches_upper_bound() <= kCheckAtLeast)
    m = enquire.get_mset(0, 0, kCheckAtLeast);
  return m.get_matches_estimated();
}

// The number of documents with some word of `words` (each word's terms
// OR-ed) but not all of them, estimated from the term frequencies that the
// strict matches' `mset` holds, as if the words were independent: no index
// reads. Xapian's own estimate counts a word's spellings and stems as
// independent too, and was 1.5x too high on the bench queries. Empty when
// the count can be small (at most kCheckAtLeast, as Xapian bounds it): it
// is then counted.
std::optional<size_t> estimated_partial_matches(
    const std::vector<ParsedQuery::Word>& words, const Xapian::MSet& mset,
    Xapian::doccount docs, size_t strict_total) {
  if (words.empty() || docs == 0) return std::nullopt;
  double none = 1;  // share of documents with none of the words
  size_t upper = 0;
  for (const auto& [label, terms] : words) {
    // A word's spellings and stems mostly share documents: its most frequent
    // term stands for it.
    Xapian::doccount df = 0;
    for (const std::string& t : terms) {
      const Xapian::doccount f = mset.get_termfreq(t);
      df = std::max(df, f);
      upper += f;
    }
    none *= 1 - static_cast<double>(df) / docs;
  }
  if (std::min<size_t>(upper, docs) <= kCheckAtLeast) return std::nullopt;
  const auto some = static_cast<size_t>(std::llround(docs * (1 - none)));
  return some > strict_total ? some - strict_total : 0;
}

// A page of matches: the MSet items `index` of `mset`, in page order.
struct Page {
  Xapian::MSet mset;
  std::vector<Xapian::doccount> index;
};

// Matches fetched beyond a page by relevance, so that a run of equal scores
// across the page's end is mostly seen whole and ordered here: fetching the
// page again with Xapian's tie-break is a second match, as costly as the
// first, and equal scores grow commoner with the archive (articles sharing
// their text).
constexpr Xapian::doccount kTieWindow = 20;

// Whether two scores are equal but for rounding: one index and shards add
// up a document's weight from the same statistics in another order.
bool same_score(double a, double b) {
  return std::abs(a - b) <= 1e-9 * std::max(std::abs(a), std::abs(b));
}

// Orders each run of equal scores of p.index as Xapian's tie-break on
// kSlotOrder does: newest first, then by id (in reverse), the same in one
// index and in shards; by document number where the slot is missing.
void order_ties(Page& p) {
  auto weight = [&](Xapian::doccount i) { return p.mset[i].get_weight(); };
  for (size_t a = 0; a < p.index.size();) {
    size_t b = a + 1;
    while (b < p.index.size() &&
           same_score(weight(p.index[b]), weight(p.index[a])))
      ++b;
    if (b - a > 1) {
      std::vector<std::pair<std::string, Xapian::doccount>> run;
      for (size_t k = a; k < b; ++k)
        run.emplace_back(
            p.mset[p.index[k]].get_document().get_value(schema::kSlotOrder),
            p.index[k]);
      std::stable_sort(run.begin(), run.end(),
                       [&](const auto& x, const auto& y) {
                         if (x.first != y.first) return x.first > y.first;
                         return *p.mset[x.second] < *p.mset[y.second];
                       });
      for (size_t k = a; k < b; ++k) p.index[k] = run[k - a].second;
    }
    a = b;
  }
}

// Matches [offset, offset + limit) by relevance, the newest first among
// equal scores, or by date. Breaking ties by date makes Xapian read the
// date of every candidate it weighs (a fifth of the bench queries' block
// reads), and ties are rare: the page is fetched by relevance alone with a
// neighbour before it and kTieWindow matches after it. Equal scores are
// ordered here (order_ties); only a run of equal scores across the page's
// start, or one that goes on past the matches fetched, fetches the page
// again with Xapian's tie-break on kSlotOrder.
Page ranked_page(Xapian::Enquire& enquire, SortOrder sort,
                 Xapian::doccount offset, Xapian::doccount limit,
                 Xapian::doccount check) {
  Page p;
  if (sort == SortOrder::relevance) {
    enquire.set_sort_by_relevance();
    const Xapian::doccount before = offset > 0 ? 1 : 0;
    const Xapian::doccount wanted = std::min<Xapian::doccount>(
        limit, Xapian::doccount(-1) - 2 - kTieWindow);
    const Xapian::doccount asked = wanted + before + 1 + kTieWindow;
    p.mset = enquire.get_mset(offset - before, asked, check);
    const Xapian::doccount size = p.mset.size();
    const Xapian::doccount first = std::min(before, size);
    const Xapian::doccount end = first + std::min(limit, size - first);
    auto weight = [&](Xapian::doccount i) { return p.mset[i].get_weight(); };
    // The run of equal scores at the page's end, to where it stops.
    Xapian::doccount stop = end;
    while (stop > first && stop < size &&
           same_score(weight(stop), weight(end - 1)))
      ++stop;
    const bool front_tie = first > 0 && first < end &&
                           same_score(weight(first - 1), weight(first));
    const bool open_tie = stop > end && stop == size && size == asked;
    if (!front_tie && !open_tie) {
      for (Xapian::doccount i = first; i < stop; ++i) p.index.push_back(i);
      order_ties(p);
      p.index.resize(end - first);
      return p;
    }
    enquire.set_sort_by_relevance_then_value(schema::kSlotOrder, true);
  } else {
    enquire.set_sort_by_value_then_relevance(schema::kSlotDate, true);
  }
  p.mset = enquire.get_mset(offset, limit, check);
  for (Xapian::doccount i = 0; i < p.mset.size(); ++i) p.index.push_back(i);
  return p;
}

// Applies the request's filters to a query.
Xapian::Query filtered(const Xapian::Query& q, const Xapian::Query& filter) {
  if (filter.empty()) return q;
  return Xapian::Query(Xapian::Query::OP_FILTER, q, filter);
}

// The request's weighting scheme (BM25 with its k1 and b by default).
std::unique_ptr<Xapian::Weight> weighting(const SearchRequest& req) {
  return make_weight(req.weighting, req.bm25_k1, req.bm25_b);
}

std::string date_key(const std::string& date, const char* option) {
  const auto d = parse_iso_date(date);
  if (!d || date.size() != 10)
    throw QueryError(std::string("invalid date for ") + option + ": \"" + date +
                     "\" (expected YYYY-MM-DD)");
  return schema::date_key(*d);
}

// What the query's words searched in translation, for the result; or why
// nothing was, when bridging was asked for and the lexicon is missing.
void note_bridges(const ParsedQuery& pq, const Lexicon* lexicon,
                  SearchResult* r) {
  if (lexicon && !lexicon->available())
    r->bridge_note = "no English-Spanish lexicon (" + lexicon->note() +
                     "): query bridging off";
  for (const MatchGroup& g : pq.groups)
    if (!g.bridged.empty()) r->bridged.emplace_back(g.label, g.bridged);
}

// Sorts and deduplicates `terms`.
std::vector<std::string> sorted_unique(std::vector<std::string> terms) {
  std::sort(terms.begin(), terms.end());
  terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
  return terms;
}

// Which of its wanted terms (sorted, unique) each of `docs` holds: one
// posting list a term, skipped through the documents in docid order. A
// document's term list would be read whole and inflated for each hit.
std::vector<std::unordered_set<std::string>> held_terms(
    const Xapian::Database& db, const std::vector<Xapian::docid>& docs,
    const std::vector<const std::vector<std::string>*>& wanted) {
  std::vector<std::unordered_set<std::string>> held(docs.size());
  std::vector<size_t> by_docid(docs.size());
  std::iota(by_docid.begin(), by_docid.end(), size_t{0});
  std::sort(by_docid.begin(), by_docid.end(),
            [&](size_t a, size_t b) { return docs[a] < docs[b]; });
  std::vector<std::string> terms;
  for (const auto* w : wanted) terms.insert(terms.end(), w->begin(), w->end());
  for (const std::string& term : sorted_unique(std::move(terms))) {
    Xapian::PostingIterator p = db.postlist_begin(term);
    const Xapian::PostingIterator end = db.postlist_end(term);
    for (size_t k : by_docid) {
      if (!std::binary_search(wanted[k]->begin(), wanted[k]->end(), term))
        continue;
      p.skip_to(docs[k]);
      if (p == end) break;
      if (*p == docs[k]) held[k].insert(term);
    }
  }
  return held;
}

// Appends the terms of each of `words` to *terms.
template <class Words>
void add_terms(const Words& words, std::vector<std::string>* terms) {
  for (const auto& w : words)
    terms->insert(terms->end(), w.terms.begin(), w.terms.end());
}

// The terms of the query's translated words.
std::vector<std::string> translation_terms(const ParsedQuery& pq) {
  std::vector<std::string> terms;
  for (const MatchGroup& g : pq.groups) add_terms(g.bridged, &terms);
  return sorted_unique(std::move(terms));
}

// The query's translated words whose terms (all of them, for a multiword
// one) are in `held`.
std::vector<std::string> matched_translations(
    const ParsedQuery& pq, const std::unordered_set<std::string>& held) {
  std::vector<std::string> out;
  for (const MatchGroup& g : pq.groups)
    for (const BridgedWord& b : g.bridged)
      if (std::all_of(b.terms.begin(), b.terms.end(),
                      [&](const std::string& t) { return held.count(t); }) &&
          std::find(out.begin(), out.end(), b.text) == out.end())
        out.push_back(b.text);
  return out;
}

// The some-words tier, below the strict matches of `page`: when the page
// is not full, its rest from the documents with only some of the words
// (into *rest, appended to *order as partial). Returns the total, strict
// and partial matches, exact or estimated.
size_t add_partial_matches(
    Xapian::Enquire& enquire, const SearchRequest& req, const ParsedQuery& pq,
    const Xapian::Query& strict, const Xapian::Query& relaxed,
    const Xapian::Query& filter, const Page& page, Xapian::doccount docs,
    Page* rest, std::vector<std::pair<Xapian::MSetIterator, bool>>* order) {
  const Xapian::MSet& mset = page.mset;
  // The total counts partial matches too, whatever the page holds. When
  // the page is not full of strict matches, the strict count is exact.
  const bool fill = page.index.size() < req.limit;
  const size_t strict_total =
      fill ? mset.get_matches_lower_bound() : mset.get_matches_estimated();
  const size_t offset2 =
      fill && req.offset > strict_total ? req.offset - strict_total : 0;
  enquire.set_query(filtered(
      Xapian::Query(Xapian::Query::OP_AND_NOT, relaxed, strict), filter));
  if (fill) {
    *rest = ranked_page(
        enquire, req.sort, static_cast<Xapian::doccount>(offset2),
        static_cast<Xapian::doccount>(req.limit - page.index.size()), 0);
    for (Xapian::doccount i : rest->index)
      order->emplace_back(rest->mset[i], true);
  }
  const std::optional<size_t> estimate =
      filter.empty() ? estimated_partial_matches(pq.relaxed_words, mset, docs,
                                                 strict_total)
                     : std::nullopt;
  const size_t total =
      strict_total + (estimate ? *estimate : count_matches(enquire));
  // An estimate never says fewer than the pages show.
  return std::max(total, req.offset + order->size());
}

// `q` with the feedback terms and the proximity boost adding to its
// matches' weights.
Xapian::Query ranked_by(const Xapian::Query& q, const Boosts& boosts) {
  std::vector<Xapian::Query> extra;
  for (const Xapian::Query* b : {&boosts.feedback, &boosts.proximity})
    if (!b->empty()) extra.push_back(*b);
  if (q.empty() || extra.empty()) return q;
  return Xapian::Query(
      Xapian::Query::OP_AND_MAYBE, q,
      Xapian::Query(Xapian::Query::OP_OR, extra.begin(), extra.end()));
}

// Milliseconds since `start`.
double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now() - start)
      .count();
}

// The filter of the request: the query's lang: and date: groups, --lang,
// --since and --until; empty when there is none.
Xapian::Query request_filter(const SearchRequest& req, const ParsedQuery& pq) {
  std::vector<Xapian::Query> filters;
  if (!pq.filter.empty()) filters.push_back(pq.filter);
  if (req.lang)
    filters.emplace_back(std::string(schema::kLang) +
                         std::string(lang_code(*req.lang)));
  if (!req.since.empty() || !req.until.empty()) {
    filters.push_back(
        date_range(req.since.empty() ? "" : date_key(req.since, "--since"),
                   req.until.empty() ? "" : date_key(req.until, "--until")));
  }
  return filters.empty() ? Xapian::Query()
                         : Xapian::Query(Xapian::Query::OP_AND, filters.begin(),
                                         filters.end());
}

// The stored data of each hit of `order`, from `known` or read in docid
// order: neighbours in the B-tree share the blocks read for the one before.
std::vector<std::string> read_stored(
    const Xapian::Database& db,
    const std::vector<std::pair<Xapian::MSetIterator, bool>>& order,
    const StoredData& known) {
  std::vector<std::pair<Xapian::docid, size_t>> by_docid;
  for (size_t k = 0; k < order.size(); ++k)
    by_docid.emplace_back(*order[k].first, k);
  std::sort(by_docid.begin(), by_docid.end());
  std::vector<std::string> stored(order.size());
  for (const auto& [did, k] : by_docid) {
    const auto it = known.find(did);
    stored[k] = it != known.end()
                    ? it->second
                    : db.get_document(did, Xapian::DOC_ASSUME_VALID).get_data();
  }
  return stored;
}

// held_terms from the article stored as `stored`, analyzed again (see
// analyzed_terms): for remote shards, whose term lists cost round trips.
std::unordered_set<std::string> held_in_article(
    const Analyzer& analyzer, std::string_view stored,
    const std::vector<std::string>& wanted) {
  std::unordered_set<std::string> held;
  if (wanted.empty()) return held;
  const TermCounts terms = analyzed_terms(analyzer, stored);
  const auto before = [](const auto& entry, const std::string& w) {
    return entry.first < w;
  };
  for (const std::string& w : wanted) {
    const auto at = std::lower_bound(terms.begin(), terms.end(), w, before);
    if (at != terms.end() && at->first == w) held.insert(w);
  }
  return held;
}

// Which of its wanted terms each hit of `order` holds: `asked_partial`
// for a partial match, else `asked`. Over remote shards from the stored
// articles, whose term lists and posting lists cost round trips.
std::vector<std::unordered_set<std::string>> held_by_hits(
    const Xapian::Database& db, const Analyzer* remote_analyzer,
    const std::vector<std::pair<Xapian::MSetIterator, bool>>& order,
    const std::vector<std::string>& stored,
    const std::vector<std::string>& asked,
    const std::vector<std::string>& asked_partial) {
  std::vector<Xapian::docid> docs;
  std::vector<const std::vector<std::string>*> wanted;
  for (const auto& [it, partial] : order) {
    docs.push_back(*it);
    wanted.push_back(partial ? &asked_partial : &asked);
  }
  if (!remote_analyzer) return held_terms(db, docs, wanted);
  std::vector<std::unordered_set<std::string>> held;
  for (size_t k = 0; k < order.size(); ++k)
    held.push_back(held_in_article(*remote_analyzer, stored[k], *wanted[k]));
  return held;
}

// The indexes of `stored`, longest first (stable among equals).
std::vector<size_t> longest_first(const std::vector<std::string>& stored) {
  std::vector<size_t> by_size(stored.size());
  std::iota(by_size.begin(), by_size.end(), size_t{0});
  std::stable_sort(by_size.begin(), by_size.end(), [&](size_t a, size_t b) {
    return stored[a].size() > stored[b].size();
  });
  return by_size;
}

// The terms of a plain-words query's words.
std::vector<std::string> relaxed_terms(const ParsedQuery& pq) {
  std::vector<std::string> terms;
  add_terms(pq.relaxed_words, &terms);
  return sorted_unique(std::move(terms));
}

// The words of a plain-words query that a partial match lacks, as typed:
// those with none of their terms in `held`.
std::vector<std::string> missing_words(
    const ParsedQuery& pq, const std::unordered_set<std::string>& held) {
  std::vector<std::string> missing;
  for (const auto& [label, terms] : pq.relaxed_words)
    if (std::none_of(terms.begin(), terms.end(),
                     [&](const std::string& t) { return held.count(t); }))
      missing.push_back(label);
  return missing;
}

// The terms whose presence a hit's output tells (sorted): the translated
// words it matched, and the words a `partial` match lacks.
std::vector<std::string> asked_terms(const SearchRequest& req,
                                     const ParsedQuery& pq, bool partial) {
  std::vector<std::string> terms;
  if (req.translations) terms = translation_terms(pq);
  if (partial && req.missing_words) {
    const std::vector<std::string> words = relaxed_terms(pq);
    terms.insert(terms.end(), words.begin(), words.end());
  }
  return sorted_unique(std::move(terms));
}

}  // namespace

Searcher::Searcher(const std::string& db_path, bool helper) : path_(db_path) {
  open();
  if (helper) helper_ = std::make_unique<HelperThread>();
}

Searcher::~Searcher() {
  if (dir_fd_ >= 0) ::close(dir_fd_);
}

// The index is opened through a descriptor of its directory, so that every
// table comes from that one directory even when bilex-index --rebuild swaps
// a new one in under the path while Xapian opens them one by one (a mix of
// two indexes reads as corrupt). Without /proc, by its path; a stub file
// (shards) by its path too. When opening fails because a swap happened
// meanwhile (the old directory is deleted after it), it starts again on the
// new one. When a member of a stub cannot be reached, the others are
// opened and the missing ones kept in unavailable_.
void Searcher::open() {
  for (int attempt = 0;; ++attempt) {
    struct stat st {};
    if (::stat(path_.c_str(), &st) != 0)
      throw IndexError("no index at " + path_ +
                       " (build one with bilex-index)");
    const bool file = S_ISREG(st.st_mode);
    const int fd =
        file ? -1 : ::open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if ((!file && fd < 0) || (fd >= 0 && ::fstat(fd, &st) != 0)) {
      const std::string why = std::strerror(errno);
      if (fd >= 0) ::close(fd);
      throw IndexError("no usable index at " + path_ + ": " + why);
    }
    std::string at = "/proc/self/fd/" + std::to_string(fd);
    const std::string glass = at + "/" + std::string(schema::kGlassMarker);
    if (file || (::access(glass.c_str(), F_OK) != 0 &&
                 ::access((at + "/XAPIANDB").c_str(), F_OK) != 0))
      at = path_;
    Xapian::Database db;
    std::vector<std::string> unavailable;
    try {
      db = Xapian::Database(at);
    } catch (const Xapian::NetworkError&) {
      // A remote shard: open the members one by one to name it.
      const std::string stub = stub_file_of(at);
      if (stub.empty()) throw;
      try {
        OpenedShards o = open_members(stub, path_);
        db = std::move(o.db);
        unavailable = std::move(o.unavailable);
      } catch (...) {
        if (fd >= 0) ::close(fd);
        throw;
      }
    } catch (const Xapian::Error& e) {
      if (fd >= 0) ::close(fd);
      // A commit overwrote what was being read, or a swap replaced it.
      const bool retry =
          std::string_view(e.get_type()) == "DatabaseModifiedError" ||
          moved(st.st_dev, st.st_ino);
      if (retry && attempt < 5) continue;
      throw IndexError("no usable index at " + path_ + ": " +
                       e.get_description());
    }
    try {
      check_index(db);
    } catch (...) {
      if (fd >= 0) ::close(fd);
      throw;
    }
    if (dir_fd_ >= 0) ::close(dir_fd_);
    dir_fd_ = fd;
    dir_dev_ = st.st_dev;
    dir_ino_ = st.st_ino;
    db_ = std::move(db);
    unavailable_ = std::move(unavailable);
    const std::string stub = stub_file_of(at);
    remote_ = !stub.empty() && lists_remote(stub);
    return;
  }
}

// Refuses an index of another schema; loads the stored bodies'
// dictionaries (an index of this version keeps them for good: they are
// loaded once a process); notes what a stub without the lexicon lacks.
void Searcher::check_index(const Xapian::Database& db) {
  const std::string version = db.get_metadata(std::string(schema::kMetaSchema));
  if (db.get_doccount() > 0 &&
      (version != std::to_string(schema::kVersion) ||
       db.get_metadata(std::string(schema::kMetaAnalyzer)) !=
           Analyzer::signature())) {
    throw IndexError("index " + path_ +
                     " was built by an incompatible version of bilex; run "
                     "bilex-index --rebuild");
  }
  const std::string prefix(schema::kMetaBodyDictionary);
  for (auto it = db.metadata_keys_begin(prefix);
       it != db.metadata_keys_end(prefix); ++it)
    (void)BodyDictionary::load(db.get_metadata(*it));
  note_.clear();
  if (!db.get_metadata(std::string(schema::kMetaShard)).empty())
    note_ = path_ +
            " lists a shard first, not the index's lexicon: no spelling "
            "suggestions and no accent synonyms (see scripts/serve-shards)";
}

// Whether the index path now names another directory than (dev, ino).
bool Searcher::moved(dev_t dev, ino_t ino) const {
  struct stat st {};
  return ::stat(path_.c_str(), &st) == 0 &&
         (st.st_dev != dev || st.st_ino != ino);
}

SearchResult Searcher::search(const SearchRequest& req) {
  // A rebuilt index has been swapped in since the last query, or a shard
  // was missing: open it again.
  if (moved(dir_dev_, dir_ino_) || !unavailable_.empty()) open();
  for (int attempt = 0;; ++attempt) {
    if (!unavailable_.empty() && !req.allow_partial)
      throw IndexError(unavailable_message(path_, unavailable_));
    try {
      SearchResult r = search_once(req);
      r.unavailable = unavailable_;
      return r;
    } catch (const Xapian::DatabaseModifiedError&) {
      if (attempt >= 3) throw;
      db_.reopen();
    } catch (const Xapian::NetworkError&) {
      // A remote shard went away: open the others (or fail naming it).
      if (attempt >= 3) throw;
      open();
    } catch (const Xapian::Error&) {
      // Swapped out and deleted while this query read it.
      if (attempt >= 3 || !moved(dir_dev_, dir_ino_)) throw;
      open();
    }
  }
}

// The nearest spelling of `word`, the most frequent among equals. Within one
// edit (a transposition is one; words are compared folded, so accents are
// not counted), the index's words, looked up one by one: a word of one
// article is found though the dictionary of a fresh build leaves it out
// ("migracoin": "migracion"). Else, for a word no article holds, the
// dictionary's nearest within two edits. Over remote shards, where each
// lookup is a round trip, the dictionary's within one edit, then two.
std::string Searcher::nearest_spelling(const std::string& word,
                                       bool held) const {
  std::string s = remote_
                      ? db_.get_spelling_suggestion(word, 1)
                      : most_frequent_one_edit(word, [&](const std::string& w) {
                          return db_.get_termfreq(w);
                        });
  if (s.empty() && !held) s = db_.get_spelling_suggestion(word, 2);
  return s;
}

// Whether `word`, held by `df` articles, is checked for a misspelling: a
// word no article holds always; one that some hold when it has kMinLetters
// letters or more (shorter ones, one edit from many common words, are
// mostly names and abbreviations: "khan" is not "than") and few articles
// hold it, or it is long and fewer than one in kRareShare hold it
// ("goverment", held by 8 of 26,767 bench articles).
bool Searcher::rare(const std::string& word, uint64_t df) const {
  constexpr Xapian::doccount kRare = 3, kRareShare = 1000;
  constexpr size_t kMinLetters = 5, kLongWord = 7;
  const auto letters = static_cast<size_t>(std::count_if(
      word.begin(), word.end(), [](char c) { return (c & 0xC0) != 0x80; }));
  if (df == 0) return true;
  if (letters < kMinLetters) return false;
  return df <= kRare ||
         (letters >= kLongWord && df * kRareShare < db_.get_doccount());
}

std::optional<std::string> Searcher::suggest(const std::string& query,
                                             const ParsedQuery& pq,
                                             const Xapian::MSet* stats) {
  // A word that occurs nowhere, or is a rare misspelling of a common word,
  // gets its nearest spelling (nearest_spelling), shown in its most
  // frequent accented form.
  constexpr Xapian::doccount kRatio = 20;
  auto spelling_freq = [&](const std::string& w) -> Xapian::doccount {
    Xapian::TermIterator it = db_.spellings_begin();
    it.skip_to(w);
    return it != db_.spellings_end() && *it == w ? it.get_termfreq() : 0;
  };
  // The query's terms have their frequencies in the matches' statistics.
  auto termfreq = [&](const std::string& term) {
    return stats ? stats->get_termfreq(term) : db_.get_termfreq(term);
  };
  std::string fixed = query;
  bool changed = false;
  for (const MatchGroup& g : pq.groups) {
    if (!g.phrase.empty() || !g.prefix.empty() || g.exact.size() != 1) continue;
    const uint64_t df = word_termfreq(g, termfreq);
    if (!rare(g.exact[0], df)) continue;
    // A word the corpus has is corrected only by one edit ("presidnete"),
    // and only to a word held by kRatio times as many articles, so that a
    // rare name is not taken for a common word ("blinken" is not "linked",
    // two edits away).
    std::string s = nearest_spelling(g.exact[0], df > 0);
    if (s.empty()) continue;
    const std::string folded = analyzer_.fold(s);
    if (folded == g.exact[0]) continue;
    if (df > 0 && db_.get_termfreq(folded) < kRatio * df) continue;
    // Shown in its most frequent accented spelling. The dictionary counts
    // an accented word under its folded spelling too: when the suggestion
    // is that, an accented spelling is shown if half its documents write it.
    const std::string key = std::string(schema::kSpellingForms) + folded;
    Xapian::doccount best = 0;
    std::string form;
    for (auto it = db_.synonyms_begin(key); it != db_.synonyms_end(key); ++it) {
      const Xapian::doccount f = spelling_freq(*it);
      if (form.empty() || f > best) {
        best = f;
        form = *it;
      }
    }
    const Xapian::doccount own = spelling_freq(s);
    if (!form.empty() && (s == folded ? 2 * best >= own : best > own)) s = form;
    const size_t at = fixed.find(g.label);
    if (at == std::string::npos) continue;
    fixed.replace(at, g.label.size(), s);
    changed = true;
  }
  if (!changed) return std::nullopt;
  return fixed;
}

// Stem terms of the body that are not the query's own, nor spelled as a
// function word.
class FeedbackTerms {
 public:
  explicit FeedbackTerms(const ParsedQuery& pq) {
    for (const MatchGroup& g : pq.groups)
      for (const auto& [lang, stem] : g.stems)
        own_.insert(Analyzer::stem_prefix(Field::body, lang) + stem);
  }
  bool operator()(const std::string& term) const {
    if (!(term.starts_with(schema::kStemEn) ||
          term.starts_with(schema::kStemEs)) ||
        own_.count(term))
      return false;
    // A stem spelled as a function word marks no topic: "ZSthe", of
    // English articles labelled Spanish.
    static_assert(schema::kStemEn.size() == schema::kStemEs.size());
    const std::string_view stem =
        std::string_view(term).substr(schema::kStemEn.size());
    return !is_stopword(stem, Lang::en) && !is_stopword(stem, Lang::es);
  }

 private:
  std::unordered_set<std::string> own_;
};

Xapian::Query Searcher::feedback(const SearchRequest& req,
                                 const ParsedQuery& pq,
                                 const Xapian::Query& filter,
                                 StoredData* stored) {
  size_t words = 0;
  for (const MatchGroup& g : pq.groups)
    if (!g.stems.empty() || !g.phrase.empty()) ++words;
  if (req.feedback_docs == 0 || req.feedback_terms == 0 ||
      words < std::max<size_t>(req.feedback_min_words, 1))
    return {};
  Xapian::Enquire enquire(db_);
  enquire.set_weighting_scheme(*weighting(req));
  enquire.set_query(
      filtered(pq.relaxed.empty() ? pq.strict : pq.relaxed, filter));
  // Equal scores in the order of every layout, so that shards feed back
  // the documents one index does.
  const Page top =
      ranked_page(enquire, SortOrder::relevance, 0,
                  static_cast<Xapian::doccount>(req.feedback_docs), 0);
  if (top.index.empty()) return {};
  std::vector<TermCounts> docs;
  for (const Xapian::doccount i : top.index) {
    const Xapian::docid did = *top.mset[i];
    if (!remote_) {
      docs.push_back(term_counts(db_, did));
      continue;
    }
    const std::string& data = (*stored)[did] =
        top.mset[i].get_document().get_data();
    docs.push_back(analyzed_terms(analyzer_, data));
  }
  const FeedbackTerms decider(pq);
  const std::vector<ExpandTerm> eset = expand_terms(
      db_, docs, req.feedback_terms,
      [&](const std::string& t) { return decider(t); }, remote_);
  if (eset.empty()) return {};
  const double strongest = eset.front().weight;
  const double weight =
      feedback_weight_for(req.feedback_weight, words, req.feedback_per_words);
  std::vector<Xapian::Query> terms;
  for (const ExpandTerm& e : eset) {
    terms.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(e.term),
                       weight * e.weight / strongest);
  }
  return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
}

Boosts Searcher::boosts_of(const SearchRequest& req, const ParsedQuery& pq,
                           const Xapian::Query& filter, StoredData* stored) {
  return {feedback(req, pq, filter, stored),
          proximity_boost(pq.groups, req.proximity_words, req.proximity_window,
                          req.proximity_weight)};
}

// The score a word or phrase of the query gives the hit: the query the
// parser built for it, matched against this document alone with the same
// weighting. The parts, with the feedback terms' and the proximity's
// shares, add up to the hit's score.
void Searcher::explain(const SearchRequest& req, const ParsedQuery& pq,
                       const Boosts& boosts, Hit* hit) {
  const Xapian::Query only(bounded_term(schema::kId, hit->id));
  Xapian::Enquire enquire(db_);
  enquire.set_weighting_scheme(*weighting(req));
  const auto add = [&](const std::string& label, const Xapian::Query& q) {
    enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, q, only));
    const Xapian::MSet m = enquire.get_mset(0, 1);
    hit->contributions.emplace_back(label,
                                    m.empty() ? 0.0 : m.begin().get_weight());
  };
  for (const MatchGroup& g : pq.groups) add(g.label, g.query);
  if (!boosts.feedback.empty()) add("(feedback terms)", boosts.feedback);
  if (!boosts.proximity.empty()) add("(proximity)", boosts.proximity);
}

// The hits' documents (from their stored data) and snippets, the costliest
// part of most queries, shared with the helper thread when there is one;
// the spelling suggestion meanwhile.
void Searcher::read_hits(const SearchRequest& req, const ParsedQuery& pq,
                         const Xapian::MSet& mset,
                         const std::vector<std::string>& stored,
                         std::vector<Document>* docs_out,
                         std::vector<Snippet>* snippets_out,
                         std::optional<std::string>* suggestion) {
  // The groups' rarity, from the matches' statistics, for choosing among
  // passages with as many of them.
  std::vector<uint64_t> weights;
  if (req.snippets && pq.groups.size() > 1)
    weights = group_weights(
        pq.groups, db_.get_doccount(),
        [&](const std::string& t) -> uint64_t { return mset.get_termfreq(t); });

  std::vector<Document>& docs = *docs_out;
  std::vector<Snippet>& snippets = *snippets_out;
  docs.assign(stored.size(), Document());
  snippets.assign(req.snippets ? stored.size() : 0, Snippet());
  // Longest first, so that the tasks left at the end are short.
  const std::vector<size_t> by_size = longest_first(stored);
  const HelperThread::Task build = [&](const Analyzer& analyzer, size_t i) {
    const size_t k = by_size[i];
    docs[k] = from_stored(stored[k], req.snippets);
    if (!req.snippets) return;
    snippets[k] = make_snippet(analyzer, docs[k].body, docs[k].lang, pq.groups,
                               req.snippet_chars, weights);
    docs[k].body = std::string();
  };
  // The spelling check (which reads the index) while the helper starts.
  const auto check_spelling = [&] {
    *suggestion = suggest(req.query, pq, &mset);
  };
  if (helper_ && req.snippets && stored.size() > 1) {
    helper_->run(stored.size(), analyzer_, build, check_spelling);
  } else {
    check_spelling();
    for (size_t k = 0; k < stored.size(); ++k) build(analyzer_, k);
  }
}

// The parse of the request's query. Over remote shards each term frequency
// the parse reads would be a round trip to every shard in turn: a first
// parse notes the terms, one match fetches their statistics from all the
// shards at once, and a second parse reads them.
ParsedQuery Searcher::parse(const SearchRequest& req,
                            const Lexicon* lexicon) const {
  if (!remote_ || !lexicon)
    return parse_query(req.query, analyzer_, &db_, req.match, lexicon);
  std::vector<std::string> terms;
  const TermStats noted{[&](const std::string& t) {
                          terms.push_back(t);
                          return Xapian::doccount{1};
                        },
                        1};
  (void)parse_query(req.query, analyzer_, &db_, req.match, lexicon, &noted);
  if (terms.empty())
    return parse_query(req.query, analyzer_, &db_, req.match, lexicon);
  const Xapian::MSet stats = statistics_of(db_, terms);
  const TermStats fetched{
      [&](const std::string& t) { return stats.get_termfreq(t); },
      db_.get_doccount()};
  return parse_query(req.query, analyzer_, &db_, req.match, lexicon, &fetched);
}

SearchResult Searcher::search_once(const SearchRequest& req) {
  const auto start = std::chrono::steady_clock::now();
  SearchResult r;
  r.query = req.query;
  r.offset = req.offset;
  r.limit = req.limit;

  const Lexicon* lexicon = req.bridge ? &Lexicon::instance() : nullptr;
  const ParsedQuery pq = parse(req, lexicon);
  r.query_lang = pq.lang;
  note_bridges(pq, lexicon, &r);
  const Xapian::Query filter = request_filter(req, pq);
  if (pq.strict.empty()) {
    r.suggestion = suggest(req.query, pq, nullptr);
    if (req.explain) r.parsed = filtered(pq.strict, filter).get_description();
    r.took_ms = ms_since(start);
    return r;
  }
  // Feedback terms and proximity rank within the all-words and some-words
  // tiers; they do not add matches.
  StoredData fed;  // the feedback documents' stored data, over remote
  const Boosts boosts = boosts_of(req, pq, filter, &fed);
  const Xapian::Query strict = ranked_by(pq.strict, boosts);
  const Xapian::Query relaxed = ranked_by(pq.relaxed, boosts);
  // The Xapian query, shown by --explain only (describing it costs).
  if (req.explain) r.parsed = filtered(strict, filter).get_description();
  Xapian::Enquire enquire(db_);
  enquire.set_weighting_scheme(*weighting(req));

  // Documents with every word first; then, when they run out, documents
  // with only some of them.
  enquire.set_query(filtered(strict, filter));
  // Counting at least this many matches makes "about N" exact for small
  // result sets, and the same whatever -n is.
  const auto check = static_cast<Xapian::doccount>(
      std::max<size_t>(req.offset + req.limit + 1, kCheckAtLeast));
  const Page page =
      ranked_page(enquire, req.sort, static_cast<Xapian::doccount>(req.offset),
                  static_cast<Xapian::doccount>(req.limit), check);
  const Xapian::MSet& mset = page.mset;
  std::vector<std::pair<Xapian::MSetIterator, bool>> order;
  for (Xapian::doccount i : page.index) order.emplace_back(mset[i], false);
  r.total = mset.get_matches_estimated();
  Page rest;
  if (!relaxed.empty())
    r.total = add_partial_matches(enquire, req, pq, strict, relaxed, filter,
                                  page, db_.get_doccount(), &rest, &order);
  std::vector<Document> docs;
  std::vector<Snippet> snippets;
  const std::vector<std::string> stored = read_stored(db_, order, fed);
  read_hits(req, pq, mset, stored, &docs, &snippets, &r.suggestion);

  const std::vector<std::string> asked = asked_terms(req, pq, false);
  const std::vector<std::string> asked_partial = asked_terms(req, pq, true);
  const auto held = held_by_hits(db_, remote_ ? &analyzer_ : nullptr, order,
                                 stored, asked, asked_partial);
  size_t rank = req.offset;
  for (size_t k = 0; k < order.size(); ++k) {
    const auto& [it, partial] = order[k];
    const Document& d = docs[k];
    Hit h;
    h.rank = ++rank;
    h.id = d.id;
    h.title = display_title(d);
    h.date = d.date;
    h.lang = d.lang;
    h.score = it.get_weight();
    h.partial = partial;
    if (partial && req.missing_words) h.missing = missing_words(pq, held[k]);
    if (req.snippets) h.snippet = std::move(snippets[k]);
    if (req.explain) explain(req, pq, boosts, &h);
    if (req.translations && !r.bridged.empty())
      h.translations = matched_translations(pq, held[k]);
    r.hits.push_back(std::move(h));
  }
  r.took_ms = ms_since(start);
  return r;
}

}  // namespace bilex
