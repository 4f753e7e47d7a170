// bilex-index's work: inputs -> analyzed documents -> the Xapian index.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/language.h"
#include "indexer/corpus_reader.h"

namespace bilex {

struct IndexOptions {
  std::string db;                  // index directory
  std::vector<std::string> paths;  // inputs (see read_input)
  bool rebuild = false;            // build afresh and swap in atomically
  std::optional<Lang> lang;        // forced language; nullopt: auto
  unsigned jobs = 0;               // analysis threads; 0: all cores
  // Shards of a fresh build (one thread each; see schema::kMetaShards);
  // 0: the index's own count, 1 for a new one. An update keeps the count.
  unsigned shards = 0;
  bool compact = false;  // merge the shards (or a fragmented index) into one
  // Articles a writing thread of a fresh build puts in one segment database
  // before it starts the next (all are merged at the end); 0: the default.
  size_t segment_articles = 0;
};

struct IndexSummary {
  size_t added = 0, updated = 0, removed = 0, unchanged = 0, skipped = 0;
  size_t docs = 0;          // documents in the index after the run
  unsigned shards = 1;      // the index's shards after the run
  uint64_t bytes = 0;       // source bytes analyzed
  uint64_t input_read = 0;  // bytes of the inputs read, as on disk
  double seconds = 0;
  std::vector<Problem> problems;  // skipped inputs and warnings
};

// Called from the writing thread now and then with the running counts.
using ProgressFn = std::function<void(const IndexSummary&)>;

// Indexes `opts.paths` into `opts.db`: incremental (unchanged documents are
// not re-analyzed, changed ones replaced, vanished ones removed), committed
// in batches. Throws IndexError when the index is locked by another writer
// or was built by an incompatible version; bad inputs never throw, they are
// reported in the summary.
IndexSummary run_index(const IndexOptions& opts, const ProgressFn& progress);

}  // namespace bilex
