// The document model, the readers of article files and JSON Lines records,
// and the document's stored form in the index.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/language.h"

namespace bilex {

struct Document {
  std::string id;     // stable: path relative to its root, or the JSONL id
  std::string title;  // may be empty; see display_title()
  std::string date;   // "YYYY-MM-DD" or empty
  Lang lang = Lang::und;
  bool lang_given = false;  // from front matter, JSON or --lang
  std::string body;
};

// Parses the text of an article file (.txt, .md), taking metadata in the
// order of docs/formats.md: a front-matter block, a leading "date YYYY-MM-DD"
// marker, an ISO date alone on one of the first lines, the first line as the
// title when it reads as a headline. The metadata lines are removed from
// the body. `content` must be valid UTF-8.
[[nodiscard]] Document parse_text_article(std::string_view content,
                                          std::string id);

// Parses one JSON Lines record. Returns nullopt and sets *error to a short
// reason when the line is not a JSON object with a string "body".
// `fallback_id` is used when the record has no "id".
[[nodiscard]] std::optional<Document> parse_json_article(
    std::string_view line, std::string fallback_id, std::string* error);

// Normalizes a date written as YYYY-MM-DD (optionally followed by a time)
// to "YYYY-MM-DD"; nullopt when it is not a valid calendar date.
[[nodiscard]] std::optional<std::string> parse_iso_date(std::string_view s);

// Limits on one document, applied by the readers after parsing. A longer
// id refuses the document (an id cut short could name another one); a
// longer title or body is cut, on a word boundary where one is near, and
// the document indexed with a warning. They bound the memory one document
// takes to analyze (about 20 times its text).
inline constexpr size_t kMaxIdBytes = 4096;
inline constexpr size_t kMaxTitleBytes = 1000;
inline constexpr size_t kMaxBodyBytes = 8u << 20;

// Applies the limits to `doc`. Returns the reason when the document is
// refused, else an empty string; appends a warning for each cut.
[[nodiscard]] std::string enforce_limits(Document& doc,
                                         std::vector<std::string>* warnings);

// The title to show: the title, else the file name of the id.
[[nodiscard]] std::string display_title(const Document& doc);

// 64-bit FNV-1a of `s`: stable across runs and builds.
[[nodiscard]] uint64_t fnv1a(std::string_view s);

// fnv1a of `s` as 16 hex digits.
[[nodiscard]] std::string content_hash(std::string_view s);

// prefix + value as a Xapian term; values too long for a term (Xapian takes
// at most 245 bytes) become prefix + "#" + their hash.
[[nodiscard]] std::string bounded_term(std::string_view prefix,
                                       std::string_view value);

// A zstd dictionary for the stored bodies of one language's articles. A
// loaded dictionary is immutable and shared by every thread of the process
// (zstd's digested dictionaries may be used by several at once); the
// registry is locked. What it saves: docs/performance.md.
class BodyDictionary {
 public:
  // A dictionary trained on `samples` (bodies), or "" when they are too few
  // or too small to train on.
  [[nodiscard]] static std::string train(
      const std::vector<std::string>& samples);
  // The dictionary of `bytes`, made ready for to_stored() and registered
  // for from_stored() for the life of the process; nullptr when `bytes` is
  // not a dictionary, or another one has its id.
  [[nodiscard]] static const BodyDictionary* load(const std::string& bytes);

  [[nodiscard]] unsigned id() const { return id_; }
  // Made on first use: only writers compress, and a searcher would pay time
  // and memory for every dictionary otherwise.
  [[nodiscard]] const void* cdict() const;
  [[nodiscard]] const void* ddict() const { return ddict_; }

  ~BodyDictionary();
  BodyDictionary(const BodyDictionary&) = delete;
  BodyDictionary& operator=(const BodyDictionary&) = delete;

 private:
  BodyDictionary() = default;
  unsigned id_ = 0;
  std::string bytes_;
  mutable std::once_flag cdict_once_;
  mutable void* cdict_ = nullptr;  // ZSTD_CDict
  void* ddict_ = nullptr;          // ZSTD_DDict
};

// The dictionaries a writer compresses with, per language (none for und).
struct BodyDictionaries {
  const BodyDictionary* en = nullptr;
  const BodyDictionary* es = nullptr;
  [[nodiscard]] const BodyDictionary* of(Lang lang) const {
    return lang == Lang::en ? en : lang == Lang::es ? es : nullptr;
  }
};

// The stored form of a document in the index (Xapian document data), its
// body compressed with `dict` when given, and back (with or without the
// body; a body compressed with a dictionary not loaded reads as empty);
// anything else reads as an empty document. Thread-safe: each thread has
// zstd contexts of its own.
[[nodiscard]] std::string to_stored(const Document& doc,
                                    const BodyDictionary* dict = nullptr);
[[nodiscard]] Document from_stored(std::string_view data,
                                   bool with_body = true);

}  // namespace bilex
