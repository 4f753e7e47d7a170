// The index schema: term prefixes, value slots, metadata keys. The only place
// where these are spelled out; everything else refers to these names.
#pragma once

#include <xapian.h>

#include <string>
#include <string_view>

namespace bilex::schema {

// Bump when terms, values or document data change incompatibly; the searcher
// and the indexer refuse an index with another version and ask for --rebuild.
// 2: compact document data; 3: zstd body; 4: bodies compressed with
// per-language dictionaries (kMetaBodyDictionary)
inline constexpr int kVersion = 4;

// Term bodies are always case-folded, so an upper-case letter after a prefix
// never belongs to the term body.
//
// Free text (body and title):
//   ""   + word          exact folded form, with positions (phrases)
//   "ZE" + stem          English Snowball stem of the word
//   "ZS" + stem          Spanish Snowball stem of the word
// Title only: the same three, each behind kTitle ("S", "SZE", "SZS").
inline constexpr std::string_view kTitle = "S";
inline constexpr std::string_view kStemEn = "ZE";
inline constexpr std::string_view kStemEs = "ZS";

// Boolean filter terms.
inline constexpr std::string_view kId =
    "Q";  // Q + document id (see bounded_term)
inline constexpr std::string_view kLang = "L";    // L + en|es|und
inline constexpr std::string_view kSource = "R";  // R + indexed root or file

// Value slots.
enum Slot : Xapian::valueno {
  kSlotDate = 0,  // "YYYYMMDD", empty when unknown; sorts as a string
  // For incremental runs: size:mtime of a text file; the key of a JSON
  // Lines record's file (see kMetaFile).
  kSlotFingerprint = 1,
  kSlotHash = 2,  // content hash of the source text
  kSlotId = 3,    // the document id, for removal of vanished files
  // The order of equal scores (order_key): sorted in reverse, the newest
  // first, then by id, the same in one index and in shards. An index built
  // before it lacks it: its ties then follow document numbers.
  kSlotOrder = 4,
};

// kSlotDate's value of a valid "YYYY-MM-DD" date (date.h's
// parse_iso_date): "YYYYMMDD"; "" for "".
inline std::string date_key(std::string_view iso_date) {
  if (iso_date.size() < 10) return {};
  std::string key(iso_date.substr(0, 4));
  key.append(iso_date.substr(5, 2));
  return key.append(iso_date.substr(8, 2));
}

// kSlotOrder's value: the date slot's "YYYYMMDD" ("00000000" when unknown),
// then the id.
inline std::string order_key(std::string_view date_key, std::string_view id) {
  std::string key = date_key.empty() ? "00000000" : std::string(date_key);
  return key.append(id);
}

// Synonym table keys "~" + folded word list the word's accented spellings
// met in the corpus, so that "did you mean" can show "migración" when the
// spelling dictionary's nearest word is the rarer "migracion".
inline constexpr std::string_view kSpellingForms = "~";

// Database metadata keys.
inline constexpr std::string_view kMetaSchema = "bilex.schema";
inline constexpr std::string_view kMetaAnalyzer = "bilex.analyzer";
// Per JSON Lines file read whole and clean: "bilex.file." + the file's key
// (its records' fingerprint, "jsonl:" + hash of its path) -> the file's
// size:mtime, its number of articles and the term of its root, one a line.
// A later run skips the file while its size and mtime are the same.
inline constexpr std::string_view kMetaFile = "bilex.file.";
// "bilex.zdict." + language code + "." + n -> a zstd dictionary of the
// stored bodies (common/stored.h), as trained by shard n of the fresh
// build on its first articles of that language. Readers load them all; an
// update compresses with the first of its article's language.
inline constexpr std::string_view kMetaBodyDictionary = "bilex.zdict.";

// A sharded index (bilex-index --shards N) is a directory holding a stub
// database, XAPIANDB, that lists kLexiconDir first and then kShardDir + 0 ..
// N-1. The lexicon holds no documents but the metadata above, the spelling
// dictionary and the synonyms: Xapian reads a multi-database's metadata from
// its first member only, and its remote backend serves neither spelling nor
// synonyms, so a stub of remote shards lists a local lexicon first. The
// lexicon's kMetaShards is N; each shard's kMetaShard is its number, and
// each shard holds every body dictionary too.
inline constexpr std::string_view kMetaShards = "bilex.shards";
inline constexpr std::string_view kMetaShard = "bilex.shard";
inline constexpr std::string_view kStubFile = "XAPIANDB";
inline constexpr std::string_view kLexiconDir = "lexicon";
inline constexpr std::string_view kShardDir = "shard";

// The writers' lock in the index directory (flock, the holder's pid inside).
inline constexpr std::string_view kLockFile = "bilex.lock";
// The file by which Xapian marks a directory as a glass database.
inline constexpr std::string_view kGlassMarker = "iamglass";

// Accent parity: Snowball stems an accented word and its accent-free
// spelling differently ("comunicación" -> "comun", "comunicacion" ->
// "comunicacion"). The indexer records, in Xapian's synonym table, under the
// key stem-prefix + folded word, the stem terms of the accented spellings it
// met, so that a query typed without accents reaches the same stem terms.

}  // namespace bilex::schema
