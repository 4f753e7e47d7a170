// Pseudo-relevance feedback's term selection: the terms that best mark a
// set of documents, weighted as Xapian's Enquire::get_eset weighs them by
// default (TradEWeight, k = 1), with exact statistics over every member of
// a combined database.
//
// Why not get_eset itself: over the remote protocol it asks each shard, one
// after the other, for each candidate term's collection frequency (one
// round trip a term), and over several members it estimates a term's
// frequency from the members the documents come from. Here the candidates'
// frequencies come from one match that every member answers at once.
#pragma once

#include <xapian.h>

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/analyzer.h"
#include "common/query.h"

namespace bilex {

struct ExpandTerm {
  std::string term;
  double weight = 0;
};

// A document's terms with their within-document frequencies (wdf).
using TermCounts = std::vector<std::pair<std::string, Xapian::termcount>>;

// The terms of document `did` of `db`, from its term list.
TermCounts term_counts(const Xapian::Database& db, Xapian::docid did);

// The terms of the article stored as `stored` (a document's data), analyzed
// again as the indexer did (Analyzer::index_article), its boolean terms left
// out: over the remote protocol a term list costs the shard a frequency
// look-up for every term it sends, the stored article only a read.
TermCounts analyzed_terms(const Analyzer& analyzer, std::string_view stored);

// The at most `max_terms` terms of `docs` that `accept` lets through, by
// weight (highest first, then by term), each weighing more than 0. When
// `remote` (`db` has remote members), the terms' frequencies come from
// statistics_of; else from a look-up each, which is cheaper locally.
std::vector<ExpandTerm> expand_terms(
    const Xapian::Database& db, const std::vector<TermCounts>& docs,
    size_t max_terms, const std::function<bool(const std::string&)>& accept,
    bool remote);

// The statistics of `terms` over every member of `db`, from one match that
// remote members answer in parallel (MSet::get_termfreq of each term).
Xapian::MSet statistics_of(const Xapian::Database& db,
                           const std::vector<std::string>& terms);

// Feedback's weight for a query of `words` words: `weight`, or with
// `per_words` > 0, weight × words / per_words (longer queries, longer
// descriptions of what is wanted, lean on their top hits more).
[[nodiscard]] double feedback_weight_for(double weight, size_t words,
                                         size_t per_words);

// The query's content words (a group with stems whose exact form is a
// function word of neither language), when the query is of plain words
// (no quoted phrase, no prefix*); else 0.
[[nodiscard]] size_t plain_words(const std::vector<MatchGroup>& groups);

// The proximity boost of a phrase-like query, one of 2 to `max_words`
// plain words: its words' exact forms within `window` positions of each
// other (OP_NEAR, at least the number of words), scaled by `weight`; an
// empty query for any other query or a weight of 0. Function words are
// left out.
[[nodiscard]] Xapian::Query proximity_boost(
    const std::vector<MatchGroup>& groups, size_t max_words, size_t window,
    double weight);

}  // namespace bilex
