// Walks the inputs given to bilex-index and yields articles; knows nothing
// of Xapian.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/document.h"

namespace bilex {

struct Problem {
  Problem(std::string source_, std::string reason_, bool skipped_ = true,
          std::string id_ = {})
      : source(std::move(source_)),
        reason(std::move(reason_)),
        skipped(skipped_),
        id(std::move(id_)) {}
  std::string source;
  std::string reason;
  bool skipped = true;  // false: a warning (the input was still indexed)
  std::string id;       // the document id, when known
};

// One article read from an input, with what the incremental check needs.
struct Article {
  Document doc;
  std::string fingerprint;  // cheap change check: size and mtime, or hash
  std::string hash;         // content hash of the source text
  uint64_t bytes = 0;       // size of the source text
};

// What read_input reports to, and asks. on_article and on_problem are
// required; without the others, every article is read and taken as new.
struct ReaderCallbacks {
  // Asked before a text file is read: true when the index already holds
  // `id` with this fingerprint (the file is then not read).
  std::function<bool(const std::string& id, const std::string& fingerprint)>
      is_unchanged;
  // Asked after a JSON Lines record is read, with its hash and fingerprint
  // (the key of its file, see file_unchanged; its hash when read from
  // stdin): true when the index holds `id` with both.
  std::function<bool(const std::string& id, const std::string& hash,
                     const std::string& fingerprint)>
      hash_unchanged;
  // Optional. Asked before a JSON Lines file is read, with a key naming the
  // file and the file's size and mtime: true when the index holds every
  // record of the file as it was then (the file is then not read).
  std::function<bool(const std::string& key, const std::string& fingerprint)>
      file_unchanged;
  // Optional. Told that the JSON Lines file `key` was read to its end
  // without a problem.
  std::function<void(const std::string& key, const std::string& fingerprint)>
      on_file_read;
  // Optional. Asked before an article is read (a text file) or taken (a
  // JSON Lines record): true when another source of this run already holds
  // `id`. The article is then skipped as a duplicate, so that the first
  // source keeps the id, run after run.
  std::function<bool(const std::string& id)> claimed;
  // Told that `id` was found unchanged (and not read or taken).
  std::function<void(const std::string& id)> on_unchanged;
  // Required: each article read, and each input or article skipped or
  // repaired.
  std::function<void(Article&&)> on_article;
  std::function<void(Problem&&)> on_problem;
  // Optional: told how many more bytes of the inputs, as stored on disk
  // (compressed for .zst and .gz), have been read; for progress.
  std::function<void(uint64_t bytes)> on_consumed;
};

// Whether a record's fingerprint is the key of its JSON Lines file (see
// ReaderCallbacks::file_unchanged), not a text file's size and mtime.
[[nodiscard]] bool is_file_key(std::string_view fingerprint);

// Files larger than this are skipped.
inline constexpr uint64_t kMaxFileBytes = 64ull << 20;

// Reads `path`: a directory (walked recursively for .txt, .md, .jsonl,
// .jsonl.zst, .jsonl.gz), a single such file, or "-" (JSON Lines on stdin).
// Ids of text files are relative to `path` (a single file: its name).
// Returns false when `path` itself cannot be read (then nothing under it
// may be considered vanished). Throws std::invalid_argument when a required
// callback is missing.
bool read_input(const std::string& path, const ReaderCallbacks& cb);

// Bytes on disk of the article inputs under `paths` (stdin counts 0): what
// on_consumed adds up to once they are read.
uint64_t input_bytes(const std::vector<std::string>& paths);

}  // namespace bilex
