#include "searcher/expansion.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "common/document.h"
#include "common/stopwords.h"
#include "common/stored.h"

namespace bilex {
namespace {

// TradEWeight's k: how fast a term's share of a document saturates.
constexpr double kExpandK = 1.0;

// What the documents say of one candidate term.
struct Relevance {
  Xapian::doccount docs = 0;  // documents of the set holding it
  double multiplier = 0;      // sum of (k+1)·wdf / (k·len/avlen + wdf)
};

// The candidates of `docs`, with their share of each document. A
// document's length is the sum of its terms' wdf, as Xapian counts it, so
// that no round trip asks for it.
std::map<std::string, Relevance> candidates(
    const Xapian::Database& db, const std::vector<TermCounts>& docs,
    const std::function<bool(const std::string&)>& accept) {
  const double avlen = db.get_avlength();
  std::map<std::string, Relevance> out;
  for (const TermCounts& terms : docs) {
    double len = 0;
    for (const auto& entry : terms) len += entry.second;
    for (const auto& [term, stored_wdf] : terms) {
      if (!accept(term)) continue;
      // A term with no wdf (a boolean one) counts as once, as in Xapian.
      const double wdf = std::max<Xapian::termcount>(stored_wdf, 1);
      Relevance& r = out[term];
      ++r.docs;
      r.multiplier += (kExpandK + 1) * wdf / (kExpandK * len / avlen + wdf);
    }
  }
  return out;
}

// Robertson and Sparck Jones' relevance weight of a term held by `r` of
// the `rsize` documents and by `n` of the `size` in all.
double relevance_weight(double size, double n, double rsize, double r) {
  const double num = (r + 0.5) * (size - n - (rsize - r) + 0.5);
  const double denom = (n - r + 0.5) * (rsize - r + 0.5);
  return std::log(num / denom);
}

}  // namespace

TermCounts term_counts(const Xapian::Database& db, Xapian::docid did) {
  TermCounts out;
  for (auto t = db.termlist_begin(did); t != db.termlist_end(did); ++t)
    out.emplace_back(*t, t.get_wdf());
  return out;
}

TermCounts analyzed_terms(const Analyzer& analyzer, std::string_view stored) {
  const Document d = from_stored(stored);
  Xapian::Document doc;
  analyzer.index_article(doc, d.title, d.body, d.lang, nullptr);
  TermCounts out;
  for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t)
    out.emplace_back(*t, t.get_wdf());
  return out;
}

Xapian::MSet statistics_of(const Xapian::Database& db,
                           const std::vector<std::string>& terms) {
  Xapian::Enquire enquire(db);
  enquire.set_query(
      Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()));
  return enquire.get_mset(0, 0);
}

std::vector<ExpandTerm> expand_terms(
    const Xapian::Database& db, const std::vector<TermCounts>& docs,
    size_t max_terms, const std::function<bool(const std::string&)>& accept,
    bool remote) {
  const std::map<std::string, Relevance> found = candidates(db, docs, accept);
  if (found.empty() || max_terms == 0) return {};
  std::vector<std::string> names;
  names.reserve(found.size());
  for (const auto& entry : found) names.push_back(entry.first);
  const Xapian::MSet stats = remote ? statistics_of(db, names) : Xapian::MSet();
  const double size = db.get_doccount();
  std::vector<ExpandTerm> out;
  for (const auto& [term, r] : found) {
    const Xapian::doccount n =
        remote ? stats.get_termfreq(term) : db.get_termfreq(term);
    const double w =
        r.multiplier *
        relevance_weight(size, n, static_cast<double>(docs.size()), r.docs);
    if (w > 0) out.push_back({term, w});
  }
  const auto better = [](const ExpandTerm& a, const ExpandTerm& b) {
    return a.weight != b.weight ? a.weight > b.weight : a.term < b.term;
  };
  const size_t keep = std::min(max_terms, out.size());
  std::partial_sort(out.begin(), out.begin() + keep, out.end(), better);
  out.resize(keep);
  return out;
}

double feedback_weight_for(double weight, size_t words, size_t per_words) {
  if (per_words == 0) return weight;
  return weight * static_cast<double>(words) / static_cast<double>(per_words);
}

namespace {

// A word of the query that says what is wanted: it has stems, and its
// exact form is a function word of neither language.
bool content_word(const MatchGroup& g) {
  return !g.stems.empty() && !g.exact.empty() &&
         !is_stopword(g.exact.front(), Lang::en) &&
         !is_stopword(g.exact.front(), Lang::es);
}

}  // namespace

size_t plain_words(const std::vector<MatchGroup>& groups) {
  size_t words = 0;
  for (const MatchGroup& g : groups) {
    if (!g.phrase.empty() || !g.prefix.empty()) return 0;
    if (content_word(g)) ++words;
  }
  return words;
}

Xapian::Query proximity_boost(const std::vector<MatchGroup>& groups,
                              size_t max_words, size_t window, double weight) {
  const size_t words = plain_words(groups);
  if (words < 2 || words > max_words || weight <= 0) return {};
  std::vector<Xapian::Query> near;
  std::vector<const MatchGroup*> seen;
  for (const MatchGroup& g : groups) {
    if (!content_word(g)) continue;
    // A repeated word is one word of the phrase.
    if (std::any_of(seen.begin(), seen.end(),
                    [&](const MatchGroup* o) { return o->exact == g.exact; }))
      continue;
    seen.push_back(&g);
    near.emplace_back(Xapian::Query::OP_OR, g.exact.begin(), g.exact.end());
  }
  if (near.size() < 2) return {};
  const Xapian::Query q(
      Xapian::Query::OP_NEAR, near.begin(), near.end(),
      static_cast<Xapian::termcount>(std::max(window, near.size())));
  return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q, weight);
}

}  // namespace bilex
