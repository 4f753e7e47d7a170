// The stored form of a document in the index, and the zstd dictionaries
// its body is compressed with.
#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/document.h"
#include "common/language.h"

namespace bilex {

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
