#include "indexer/indexer.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "common/analyzer.h"
#include "common/document.h"
#include "common/error.h"
#include "common/hash.h"
#include "common/schema.h"
#include "common/stored.h"
#include "indexer/id_set.h"

namespace fs = std::filesystem;

namespace bilex {
namespace {

constexpr size_t kDocsPerThreadBatch = 128;
constexpr size_t kCommitEvery = 5000;
// A shard commits this often: Xapian's in-memory postings grow slower to
// update with every document they hold, and memory stays bounded (the
// counts tried: docs/performance.md).
constexpr size_t kShardCommitEvery = 250;
// A shard starts a new segment database this often: a commit rewrites the
// B-tree block at the end of each posting list it touches, and the bigger
// the database, the fewer of those blocks are shared, so that a growing
// shard slowed down with its size (docs/performance.md, "At scale").
constexpr size_t kSegmentArticles = 25000;
// Distinct words held before they go to the spelling table, whose commits
// rewrite the long word lists of common letter trigrams.
constexpr size_t kSpellingBatch = 500000;
// A fresh build's spelling dictionary leaves out words met in one document
// only: mostly names and typos, and a suggestion must be a common word
// anyway (an update adds all it meets).
constexpr Xapian::termcount kMinSpellingDocs = 2;
// Bodies a shard trains each language's compression dictionary on (the
// sizes tried: docs/performance.md).
constexpr size_t kDictionarySamples = 500;
constexpr size_t kDictionarySampleBytes = 16 << 10;  // of each, at most

// An exclusive lock on the index directory held for the whole run, with the
// holder's pid written in, so that a second writer can name it.
class WriterLock {
 public:
  explicit WriterLock(const fs::path& dir) {
    path_ = dir / schema::kLockFile;
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0)
      throw IndexError("cannot create lock file " + path_.string() + ": " +
                       std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      char buf[32] = {};
      const ssize_t n = ::pread(fd_, buf, sizeof buf - 1, 0);
      ::close(fd_);
      const std::string pid =
          n > 0 ? std::string(buf, static_cast<size_t>(n)) : "?";
      throw IndexError("index " + dir.string() +
                       " is being updated by process " +
                       pid.substr(0, pid.find_first_of("\n ")));
    }
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd_, 0) != 0 ||
        ::pwrite(fd_, pid.data(), pid.size(), 0) < 0) {
      // The lock holds without the pid; only the message loses detail.
    }
  }
  ~WriterLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  WriterLock(const WriterLock&) = delete;
  WriterLock& operator=(const WriterLock&) = delete;

 private:
  fs::path path_;
  int fd_ = -1;
};

void set_schema_metadata(Xapian::WritableDatabase& db);

void check_schema(Xapian::WritableDatabase& db, const std::string& dir) {
  const std::string version = db.get_metadata(std::string(schema::kMetaSchema));
  const std::string analyzer =
      db.get_metadata(std::string(schema::kMetaAnalyzer));
  if (db.get_doccount() > 0 && (version != std::to_string(schema::kVersion) ||
                                analyzer != Analyzer::signature())) {
    throw IndexError("index " + dir +
                     " was built by an incompatible version of bilex "
                     "(schema " +
                     (version.empty() ? "unknown" : version) +
                     "); run bilex-index --rebuild");
  }
  set_schema_metadata(db);
}

struct Built {
  Xapian::Document doc;
  Analyzer::AccentSink accents;
  std::vector<std::string> words;  // for the spelling dictionary, deduplicated
};

Built build_document(const Analyzer& analyzer, Article& a,
                     const std::optional<Lang>& forced,
                     const std::string& root_term,
                     const BodyDictionaries& dictionaries) {
  Document& d = a.doc;
  if (forced) {
    d.lang = *forced;
  } else if (!d.lang_given) {
    d.lang = detect_language(d.title + "\n" + d.body).lang;
  }
  Built b;
  analyzer.index_article(b.doc, d.title, d.body, d.lang, &b.accents, &b.words);
  std::sort(b.words.begin(), b.words.end());
  b.words.erase(std::unique(b.words.begin(), b.words.end()), b.words.end());
  b.doc.add_boolean_term(bounded_term(schema::kId, d.id));
  b.doc.add_boolean_term(std::string(schema::kLang) +
                         std::string(lang_code(d.lang)));
  if (!root_term.empty()) b.doc.add_boolean_term(root_term);
  const std::string date_key = schema::date_key(d.date);
  if (!date_key.empty()) b.doc.add_value(schema::kSlotDate, date_key);
  b.doc.add_value(schema::kSlotFingerprint, a.fingerprint);
  b.doc.add_value(schema::kSlotHash, a.hash);
  b.doc.add_value(schema::kSlotId, d.id);
  b.doc.add_value(schema::kSlotOrder, schema::order_key(date_key, d.id));
  b.doc.set_data(to_stored(d, dictionaries.of(d.lang)));
  return b;
}

// Which of `n` shards holds the document `id`: FNV-1a, the same on every
// platform and version, since a sharded index keeps its placement for good.
size_t shard_of(const std::string& id, size_t n) {
  return static_cast<size_t>(fnv1a(id) % n);
}

std::string shard_name(size_t i) {
  return std::string(schema::kShardDir) + std::to_string(i);
}

bool is_ascii_word(const std::string& w) {
  return std::all_of(w.begin(), w.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x80;
  });
}

// Words for the spelling dictionary, counted in memory (one count per
// document) and handed to Xapian once per word: a fresh build writes them at
// its end, an update at each commit. Adding them per document, with the
// spelling table's trigram lists rewritten at every commit, slowed a fresh
// build down (docs/performance.md).
class SpellingCounts {
 public:
  void add(const std::vector<std::string>& words) {
    for (const std::string& w : words) ++counts_[w];
  }
  // Writes the words met in at least `min_docs` documents and forgets all.
  void write(Xapian::WritableDatabase& db, Xapian::termcount min_docs = 1) {
    for (const auto& [word, n] : counts_)
      if (n >= min_docs) db.add_spelling(word, n);
    counts_.clear();
  }
  size_t size() const { return counts_.size(); }

  // Moves the counts into `parts`, each word to the part its hash picks.
  void split_into(std::vector<SpellingCounts>& parts) {
    for (auto& [word, n] : counts_)
      parts[std::hash<std::string>{}(word) % parts.size()].counts_[word] += n;
    counts_.clear();
  }

 private:
  std::unordered_map<std::string, Xapian::termcount> counts_;
};

// Writes one analyzed document to `db` and its accent synonyms to `lex`
// (the same database unless the index is sharded), and counts its words
// for the spelling dictionary. `seen` remembers synonym pairs already
// written.
void write_built(Xapian::WritableDatabase& db, Xapian::WritableDatabase& lex,
                 const std::string& id, Built& b, const Analyzer& analyzer,
                 std::unordered_set<std::string>& seen,
                 SpellingCounts& spelling) {
  db.replace_document(bounded_term(schema::kId, id), b.doc);
  for (auto& [key, stem] : b.accents) {
    if (seen.insert(key + '\0' + stem).second) lex.add_synonym(key, stem);
  }
  // Document frequency of each word: what "did you mean" ranks by.
  spelling.add(b.words);
  for (const std::string& w : b.words) {
    if (is_ascii_word(w) || !seen.insert(w).second) continue;
    lex.add_synonym(std::string(schema::kSpellingForms) + analyzer.fold(w), w);
  }
}

void set_schema_metadata(Xapian::WritableDatabase& db) {
  db.set_metadata(std::string(schema::kMetaSchema),
                  std::to_string(schema::kVersion));
  db.set_metadata(std::string(schema::kMetaAnalyzer), Analyzer::signature());
}

// Runs task(0) … task(n - 1), each on a thread of its own (inline when
// n is 1), and rethrows the first error of any of them after all end.
void run_parallel(size_t n, const std::function<void(size_t)>& task) {
  std::vector<std::exception_ptr> errors(n);
  auto guarded = [&](size_t i) {
    try {
      task(i);
    } catch (...) {
      errors[i] = std::current_exception();
    }
  };
  if (n == 1) {
    guarded(0);
  } else {
    std::vector<std::thread> threads;
    for (size_t i = 0; i < n; ++i) threads.emplace_back(guarded, i);
    for (auto& t : threads) t.join();
  }
  for (const std::exception_ptr& e : errors)
    if (e) std::rethrow_exception(e);
}

Xapian::WritableDatabase create_unsynced(const fs::path& path) {
  return Xapian::WritableDatabase(
      path.string(), Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_NO_SYNC);
}

// A fresh build writes to several databases at once, one thread each with
// its own analyzer, fed through a bounded queue. Each shard writes a run of
// segments (databases of opts.segment_articles articles, in `segment_dir`),
// all merged by compaction afterwards. A document id always goes to the
// same shard, and the Writer hands each id on once (a repeat is skipped as
// a duplicate), so no id is in two segments.
// Threads: a shard's databases, analyzer and dictionaries are its thread's
// alone until drain(); the queue, under mutex_, is all that is shared.
//
// A shard of a sharded index writes its lexicon part (metadata, spelling,
// synonyms) to a database of its own, `lexicon`; without one, to its
// current segment.
class Shard {
 public:
  Shard(const fs::path& segment_dir, const fs::path* lexicon,
        const IndexOptions& opts, unsigned number)
      : segment_dir_(segment_dir),
        own_lexicon_(lexicon != nullptr),
        opts_(opts),
        number_(number),
        segment_articles_(opts.segment_articles ? opts.segment_articles
                                                : kSegmentArticles) {
    if (own_lexicon_) {
      lex_ = create_unsynced(*lexicon);
      set_schema_metadata(lex_);
    }
    open_segment();
    thread_ = std::thread([this] { run(); });
  }
  ~Shard() { stop(); }
  Shard(const Shard&) = delete;
  Shard& operator=(const Shard&) = delete;

  // Queues an article; blocks while the queue is full. Rethrows an error of
  // the shard's thread.
  void push(Article&& a, const std::string& root_term) {
    std::unique_lock lock(mutex_);
    space_.wait(lock, [&] {
      return (queue_.size() < kQueue && queued_bytes_ < kQueueBytes) || error_;
    });
    if (error_) std::rethrow_exception(error_);
    queued_bytes_ += a.bytes;
    queue_.emplace_back(std::move(a), root_term);
    work_.notify_one();
  }

  // Writes what is queued; rethrows an error of the shard's thread.
  void drain() {
    stop();
    if (error_) std::rethrow_exception(error_);
  }

  SpellingCounts& spelling() { return spelling_; }

  // The shard's segments, in the order written.
  const std::vector<fs::path>& segments() const { return segments_; }

  // After drain(): writes `words`, the shard's part of the build's spelling
  // dictionary, commits and closes the shard.
  void finish(SpellingCounts& words) {
    words.write(lex_, kMinSpellingDocs);
    db_.commit();
    db_.close();
    if (!own_lexicon_) return;
    lex_.commit();
    lex_.close();
  }

 private:
  // Room for the articles the other shards take while this one commits:
  // with little room, a commit stalls every shard, the reader waiting on
  // the committing one's full queue (docs/performance.md).
  static constexpr size_t kQueue = 2048;
  static constexpr uint64_t kQueueBytes = 32 << 20;

  void commit() {
    // Past this many words, memory wins over the dictionary's threshold.
    if (spelling_.size() > kSpellingBatch) spelling_.write(lex_);
    db_.commit();
    if (own_lexicon_) lex_.commit();
    since_commit_ = 0;
  }

  void open_segment() {
    segments_.push_back(segment_dir_ /
                        ("shard" + std::to_string(number_) + "." +
                         std::to_string(segments_.size())));
    db_ = create_unsynced(segments_.back());
    if (!own_lexicon_) lex_ = db_;
    set_schema_metadata(db_);
    in_segment_ = 0;
  }

  void next_segment() {
    commit();
    db_.close();
    open_segment();
  }

  // The shard's first kDictionarySamples bodies of each language train its
  // dictionary for that language, with which the later ones are stored.
  // The same articles come to a shard in the same order: a build is
  // repeatable.
  void sample(const Document& d) {
    if (d.lang == Lang::und) return;
    const int l = d.lang == Lang::es ? 1 : 0;
    if (sampled_[l]) return;
    samples_[l].push_back(d.body.substr(0, kDictionarySampleBytes));
    if (samples_[l].size() < kDictionarySamples) return;
    sampled_[l] = true;
    const std::string bytes = BodyDictionary::train(samples_[l]);
    samples_[l] = {};
    const BodyDictionary* dict = BodyDictionary::load(bytes);
    if (!dict) return;
    (d.lang == Lang::es ? dictionaries_.es : dictionaries_.en) = dict;
    lex_.set_metadata(std::string(schema::kMetaBodyDictionary) +
                          std::string(lang_code(d.lang)) + "." +
                          std::to_string(number_),
                      bytes);
  }

  void stop() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    work_.notify_one();
    if (thread_.joinable()) thread_.join();
  }

  void run() {
    try {
      while (true) {
        std::pair<Article, std::string> item;
        {
          std::unique_lock lock(mutex_);
          work_.wait(lock, [&] { return !queue_.empty() || done_; });
          if (queue_.empty()) return;
          item = std::move(queue_.front());
          queue_.pop_front();
          queued_bytes_ -= item.first.bytes;
          space_.notify_one();
        }
        Built b = build_document(analyzer_, item.first, opts_.lang, item.second,
                                 dictionaries_);
        sample(item.first.doc);
        write_built(db_, lex_, item.first.doc.id, b, analyzer_, seen_,
                    spelling_);
        if (++in_segment_ >= segment_articles_) {
          next_segment();
        } else if (++since_commit_ >= kShardCommitEvery) {
          commit();
        }
      }
    } catch (...) {
      std::lock_guard lock(mutex_);
      error_ = std::current_exception();
      space_.notify_all();
    }
  }

  const fs::path segment_dir_;
  std::vector<fs::path> segments_;
  Xapian::WritableDatabase db_;   // the last of segments_
  Xapian::WritableDatabase lex_;  // db_ itself unless own_lexicon_
  const bool own_lexicon_;
  const IndexOptions& opts_;
  const unsigned number_;
  const size_t segment_articles_;
  size_t in_segment_ = 0;
  Analyzer analyzer_;
  BodyDictionaries dictionaries_;
  std::vector<std::string> samples_[2];  // bodies, en and es
  bool sampled_[2] = {false, false};
  std::unordered_set<std::string> seen_;
  SpellingCounts spelling_;
  size_t since_commit_ = 0;
  std::mutex mutex_;
  std::condition_variable work_, space_;
  std::deque<std::pair<Article, std::string>> queue_;
  uint64_t queued_bytes_ = 0;
  bool done_ = false;
  std::exception_ptr error_;
  std::thread thread_;
};

// The databases an update writes: each document to the shard its id hashes
// to; metadata, spelling and synonyms to the lexicon. An unsharded index is
// its own lexicon and only shard.
struct Target {
  Xapian::WritableDatabase lexicon;
  std::vector<Xapian::WritableDatabase> shards;
  bool sharded = false;

  Xapian::WritableDatabase& of(const std::string& id) {
    return shards[shard_of(id, shards.size())];
  }
  // The shards first: the lexicon's records of the files read never get
  // ahead of the documents they count.
  void commit() {
    for (Xapian::WritableDatabase& db : shards) db.commit();
    if (sharded) lexicon.commit();
  }
  Xapian::doccount doccount() const {
    Xapian::doccount n = 0;
    for (const Xapian::WritableDatabase& db : shards) n += db.get_doccount();
    return n;
  }
  void close() {
    for (Xapian::WritableDatabase& db : shards) db.close();
    lexicon.close();
  }
};

class Writer {
 public:
  // Writes to `target`, or, when `shards` is not empty (a fresh build), to
  // the shards. `fresh`: the index started empty, so nothing needs looking
  // up.
  Writer(Target* target, std::vector<std::unique_ptr<Shard>>* shards,
         const IndexOptions& opts, bool fresh, IndexSummary& summary,
         const ProgressFn& progress)
      : db_(target),
        shards_(shards),
        opts_(opts),
        fresh_(fresh),
        summary_(summary),
        progress_(progress) {
    if (db_) load_dictionaries();
    unsigned jobs = opts.jobs ? opts.jobs : std::thread::hardware_concurrency();
    if (jobs == 0) jobs = 1;
    for (unsigned i = 0; i < jobs; ++i)
      analyzers_.push_back(std::make_unique<Analyzer>());
  }

  // Indexes one input; the ids it holds go to seen_. When every entry of it
  // was read, its root's documents not among them are removed.
  void index_input(const std::string& path) {
    root_term_.clear();
    if (path != "-") {
      std::error_code ec;
      const fs::path canon = fs::weakly_canonical(fs::absolute(path), ec);
      root_term_ = bounded_term(schema::kSource, ec ? path : canon.string());
    }
    seen_.clear();
    skipped_files_.clear();
    files_seen_.clear();
    removal_safe_ = true;
    ReaderCallbacks cb;
    add_change_checks(&cb);
    add_reports(&cb);
    const bool complete = read_input(path, cb);
    flush();
    if (complete && removal_safe_ && !root_term_.empty() && !fresh_) {
      remove_vanished();
      forget_vanished_files();
    }
  }

  // The reader's questions: whether an article or a JSON Lines file is
  // unchanged in the index, or already claimed by another source of the run.
  void add_change_checks(ReaderCallbacks* cb) {
    cb->is_unchanged = [this](const std::string& id, const std::string& fp) {
      const auto d = stored(id);
      return d && d->get_value(schema::kSlotFingerprint) == fp;
    };
    cb->hash_unchanged = [this](const std::string& id, const std::string& hash,
                                const std::string& fp) {
      const auto d = stored(id);
      return d && d->get_value(schema::kSlotHash) == hash &&
             d->get_value(schema::kSlotFingerprint) == fp;
    };
    cb->claimed = [this](const std::string& id) {
      if (run_ids_.contains(id)) return true;
      // Held by a JSON Lines file skipped as unchanged in this run.
      if (run_skipped_files_.empty()) return false;
      const auto d = stored(id);
      if (!d) return false;
      const std::string old_fp = d->get_value(schema::kSlotFingerprint);
      // (Its own file too: then it is reached again through another root.)
      return run_skipped_files_.count(old_fp) > 0;
    };
    cb->file_unchanged = [this](const std::string& key, const std::string& fp) {
      files_seen_.insert(key);
      file_start_ = seen_.size();
      if (fresh_) return false;
      const auto rec = file_record(key);
      if (!rec || rec->fingerprint != fp || rec->root != root_term_)
        return false;
      skipped_files_.insert(key);
      run_skipped_files_.insert(key);
      summary_.unchanged += rec->articles;
      return true;
    };
  }

  // What the reader tells: files read whole, unchanged ids, articles (added
  // to the index), bytes read and problems (counted in the summary).
  void add_reports(ReaderCallbacks* cb) {
    cb->on_file_read = [this](const std::string& key, const std::string& fp) {
      const std::string value = fp + "\n" +
                                std::to_string(seen_.size() - file_start_) +
                                "\n" + root_term_;
      if (shards_) {
        files_read_.emplace_back(key, value);
        return;
      }
      // The file's articles are written first, so that no commit (Xapian
      // commits by itself every 10,000 changes) holds the record without
      // all of them.
      flush();
      db_->lexicon.set_metadata(std::string(schema::kMetaFile) + key, value);
    };
    cb->on_unchanged = [this](const std::string& id) {
      seen_.insert(id);
      run_ids_.insert(id);
      ++summary_.unchanged;
    };
    cb->on_article = [this](Article&& a) { add(std::move(a)); };
    cb->on_consumed = [this](uint64_t n) { summary_.input_read += n; };
    cb->on_problem = [this](Problem&& p) {
      if (p.skipped) {
        ++summary_.skipped;
        if (p.id.empty()) removal_safe_ = false;
      }
      if (!p.id.empty()) seen_.insert(p.id);
      summary_.problems.push_back(std::move(p));
    };
  }

  // For a fresh build: the records of the files read whole, to be written
  // to the finished index (kMetaFile key, value).
  const std::vector<std::pair<std::string, std::string>>& files_read() const {
    return files_read_;
  }

  void finish() {
    if (shards_) {
      // Every input is read: the run's ids (two sets, about 80 bytes an
      // article) are needed no more, and their memory goes to the
      // spelling dictionary and the compaction, when the build peaks.
      seen_.clear();
      run_ids_.clear();
      // Each shard writes the spelling words of one hash part, counted over
      // all shards, so that a word is written once and its count is the
      // build's; the shards write in parallel.
      for (auto& shard : *shards_) shard->drain();
      std::vector<SpellingCounts> parts(shards_->size());
      for (auto& shard : *shards_) shard->spelling().split_into(parts);
      run_parallel(parts.size(),
                   [&](size_t i) { (*shards_)[i]->finish(parts[i]); });
      return;
    }
    flush();
    commit();
  }

 private:
  struct FileRecord {
    std::string fingerprint;
    size_t articles = 0;
    std::string root;
  };

  std::optional<FileRecord> file_record(const std::string& key) {
    const std::string v =
        db_->lexicon.get_metadata(std::string(schema::kMetaFile) + key);
    const size_t a = v.find('\n');
    const size_t b = a == std::string::npos ? a : v.find('\n', a + 1);
    if (b == std::string::npos) return std::nullopt;
    FileRecord r;
    r.fingerprint = v.substr(0, a);
    r.articles = std::strtoull(v.c_str() + a + 1, nullptr, 10);
    r.root = v.substr(b + 1);
    return r;
  }

  // A record now held for another file: its former file must be read again
  // next time (it may still hold the record).
  void forget_file(const std::string& fingerprint) {
    if (is_file_key(fingerprint))
      db_->lexicon.set_metadata(std::string(schema::kMetaFile) + fingerprint,
                                "");
  }

  // Drops the records of this root's files that were not met: a file that
  // comes back must be read, its articles having been removed.
  void forget_vanished_files() {
    std::vector<std::string> gone;
    const std::string prefix(schema::kMetaFile);
    for (auto it = db_->lexicon.metadata_keys_begin(prefix);
         it != db_->lexicon.metadata_keys_end(prefix); ++it) {
      const std::string key = (*it).substr(prefix.size());
      if (files_seen_.count(key)) continue;
      const auto rec = file_record(key);
      if (!rec || rec->root == root_term_) gone.push_back(*it);
    }
    for (const std::string& k : gone) db_->lexicon.set_metadata(k, "");
  }

  // The index's first dictionary of each language, for the bodies it adds.
  void load_dictionaries() {
    const std::string prefix(schema::kMetaBodyDictionary);
    for (auto it = db_->lexicon.metadata_keys_begin(prefix);
         it != db_->lexicon.metadata_keys_end(prefix); ++it) {
      const std::string key = *it;
      const BodyDictionary* d =
          BodyDictionary::load(db_->lexicon.get_metadata(key));
      if (!d) continue;
      try {
        (void)d->cdict();  // zstd can refuse to compress with a damaged one
      } catch (const std::exception&) {
        continue;
      }
      const std::string_view lang =
          std::string_view(key).substr(prefix.size(), 2);
      auto& slot = lang == "es" ? dictionaries_.es : dictionaries_.en;
      if (!slot && (lang == "en" || lang == "es")) slot = d;
    }
  }

  static bool has_term(const Xapian::Document& d, const std::string& term) {
    Xapian::TermIterator t = d.termlist_begin();
    t.skip_to(term);
    return t != d.termlist_end() && *t == term;
  }

  // The indexed document of `id`, if any.
  std::optional<Xapian::Document> stored(const std::string& id) {
    if (fresh_) return std::nullopt;
    const std::string term = bounded_term(schema::kId, id);
    Xapian::WritableDatabase& db = db_->of(id);
    Xapian::PostingIterator p = db.postlist_begin(term);
    if (p == db.postlist_end(term)) return std::nullopt;
    return db.get_document(*p);
  }

  void add(Article&& a) {
    seen_.insert(a.doc.id);
    run_ids_.insert(a.doc.id);
    if (shards_) {
      summary_.bytes += a.bytes;
      ++summary_.added;
      const size_t n = shards_->size();
      (*shards_)[shard_of(a.doc.id, n)]->push(std::move(a), root_term_);
      if (progress_ && summary_.added % 256 == 0) progress_(summary_);
      return;
    }
    // Same text, new mtime: refresh the fingerprint without re-analysis.
    if (auto old = stored(a.doc.id)) {
      const std::string old_fp = old->get_value(schema::kSlotFingerprint);
      if (old_fp != a.fingerprint) forget_file(old_fp);
      // An article that moved to another root is written again, with its
      // new root: its old root would remove it as vanished.
      if (old->get_value(schema::kSlotHash) == a.hash &&
          (root_term_.empty() || has_term(*old, root_term_))) {
        old->add_value(schema::kSlotFingerprint, a.fingerprint);
        db_->of(a.doc.id).replace_document(old->get_docid(), *old);
        ++summary_.unchanged;
        return;
      }
      pending_exists_.push_back(true);
    } else {
      pending_exists_.push_back(false);
    }
    summary_.bytes += a.bytes;
    pending_.push_back(std::move(a));
    if (pending_.size() >= kDocsPerThreadBatch * analyzers_.size()) flush();
  }

  // Analyzes the pending articles on threads, each with an analyzer of its
  // own and its own slice of `built` (handed over at join), then writes
  // them from this thread.
  void flush() {
    const size_t n = pending_.size();
    if (n == 0) return;
    std::vector<Built> built(n);
    const size_t jobs = std::min(analyzers_.size(), n);
    run_parallel(jobs, [&](size_t t) {
      for (size_t i = t; i < n; i += jobs)
        built[i] = build_document(*analyzers_[t], pending_[i], opts_.lang,
                                  root_term_, dictionaries_);
    });
    for (size_t i = 0; i < n; ++i) {
      write_built(db_->of(pending_[i].doc.id), db_->lexicon, pending_[i].doc.id,
                  built[i], *analyzers_[0], synonyms_, spelling_);
      ++(pending_exists_[i] ? summary_.updated : summary_.added);
    }
    pending_.clear();
    pending_exists_.clear();
    since_commit_ += n;
    if (since_commit_ >= kCommitEvery) commit();
    if (progress_) progress_(summary_);
  }

  void commit() {
    spelling_.write(db_->lexicon);
    db_->commit();
    since_commit_ = 0;
  }

  void remove_vanished() {
    for (Xapian::WritableDatabase& db : db_->shards) {
      std::vector<Xapian::docid> gone;
      for (auto p = db.postlist_begin(root_term_);
           p != db.postlist_end(root_term_); ++p) {
        const Xapian::Document d = db.get_document(*p);
        if (!seen_.contains(d.get_value(schema::kSlotId)) &&
            !skipped_files_.count(d.get_value(schema::kSlotFingerprint)))
          gone.push_back(*p);
      }
      for (Xapian::docid did : gone) db.delete_document(did);
      summary_.removed += gone.size();
    }
  }

  Target* db_;  // or none, in a fresh build
  std::vector<std::unique_ptr<Shard>>* shards_;
  const IndexOptions& opts_;
  const bool fresh_;
  IndexSummary& summary_;
  const ProgressFn& progress_;
  std::vector<std::unique_ptr<Analyzer>> analyzers_;
  std::vector<Article> pending_;
  std::vector<bool> pending_exists_;
  IdSet seen_;
  std::unordered_set<std::string> synonyms_;
  SpellingCounts spelling_;
  std::string root_term_;
  BodyDictionaries dictionaries_;
  // JSON Lines files of the current input: met, and skipped as unchanged.
  std::unordered_set<std::string> files_seen_, skipped_files_;
  // Over all inputs of the run: the ids taken, and the JSON Lines files
  // skipped as unchanged (whose ids the index holds), for duplicates.
  IdSet run_ids_;
  std::unordered_set<std::string> run_skipped_files_;
  size_t file_start_ = 0;  // seen_.size() when the current file began
  std::vector<std::pair<std::string, std::string>> files_read_;
  bool removal_safe_ = true;
  size_t since_commit_ = 0;
};

bool is_index(const fs::path& dir) {
  std::error_code ec;
  return fs::exists(dir / schema::kGlassMarker, ec) ||
         (fs::exists(dir / schema::kStubFile, ec) &&
          fs::exists(dir / schema::kLexiconDir, ec));
}

// Whether `dir` may be replaced wholesale: it does not exist, holds nothing
// but our lock file, or is a bilex index (one database or a sharded one).
// Anything else (a user's directory given to --db by mistake) must never be
// swapped out and deleted.
bool replaceable(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return true;
  if (is_index(dir)) return true;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().filename() != schema::kLockFile) return false;
  return !ec;
}

// The shard count of the index at `dir`: 0 when there is none, 1 for one
// database, the lexicon's count for a sharded index.
unsigned index_shards(const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir / schema::kGlassMarker, ec)) return 1;
  if (!is_index(dir)) return 0;
  try {
    const std::string n = Xapian::Database((dir / schema::kLexiconDir).string())
                              .get_metadata(std::string(schema::kMetaShards));
    const unsigned long count = std::strtoul(n.c_str(), nullptr, 10);
    if (count >= 1 && count <= 1024) return static_cast<unsigned>(count);
  } catch (const Xapian::Error&) {
  }
  throw IndexError("cannot read the shard count of index " + dir.string() +
                   " (bilex-index --rebuild replaces it)");
}

// True when the index at `dir` is missing or holds no documents: then the
// run builds beside it and swaps the result in.
bool starts_empty(const fs::path& dir) {
  if (!is_index(dir)) {
    if (!replaceable(dir))
      throw IndexError(dir.string() + " holds files and is not a bilex index");
    return true;
  }
  try {
    return Xapian::Database(dir.string()).get_doccount() == 0;
  } catch (const Xapian::Error& e) {
    throw IndexError("cannot open index " + dir.string() + ": " +
                     e.get_description() +
                     " (bilex-index --rebuild replaces it)");
  }
}

// Swaps two directories atomically (renameat2 RENAME_EXCHANGE), or renames
// `from` to `to` when `to` does not exist.
void swap_in(const fs::path& from, const fs::path& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(),
                  RENAME_EXCHANGE) != 0) {
    if (errno == ENOENT && ::rename(from.c_str(), to.c_str()) == 0) return;
    throw IndexError("cannot swap in the rebuilt index " + from.string() +
                     " -> " + to.string() + ": " + std::strerror(errno));
  }
  std::error_code ec;
  fs::remove_all(from, ec);  // the old index, now at `from`
}

// Removes the side directories of a fresh build that did not finish (a
// full disk, an error), so that they do not hold the space it lacked.
class SideDirs {
 public:
  void add(const fs::path& p) { paths_.push_back(p); }
  void release() { paths_.clear(); }
  ~SideDirs() {
    std::error_code ec;
    for (const fs::path& p : paths_) fs::remove_all(p, ec);
  }

 private:
  std::vector<fs::path> paths_;
};

// Flushes every file under `dir` and the directories to disk: the shards of
// a sharded build are written without syncs and swapped in as they are.
void sync_tree(const fs::path& dir) {
  std::vector<fs::path> dirs{dir};
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_directory()) dirs.push_back(e.path());
    if (!e.is_regular_file()) continue;
    const int fd = ::open(e.path().c_str(), O_RDONLY | O_CLOEXEC);
    const bool ok = fd >= 0 && ::fsync(fd) == 0;
    if (fd >= 0) ::close(fd);
    if (!ok)
      throw IndexError("cannot flush " + e.path().string() + ": " +
                       std::strerror(errno));
  }
  for (const fs::path& d : dirs) {
    const int fd = ::open(d.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
      (void)::fsync(fd);
      ::close(fd);
    }
  }
}

// The metadata keys of `db` that start with `prefix`, with their values.
std::vector<std::pair<std::string, std::string>> metadata_with(
    const Xapian::Database& db, const std::string& prefix) {
  std::vector<std::pair<std::string, std::string>> out;
  for (auto it = db.metadata_keys_begin(prefix);
       it != db.metadata_keys_end(prefix); ++it)
    out.emplace_back(*it, db.get_metadata(*it));
  return out;
}

// The lexicon of a sharded build: the shards' lexicon parts merged by
// compaction (spelling counts added, synonyms united), the records of the
// files read, and the shard count. Each shard gets its number and every
// body dictionary, so that it can be read in a stub without the lexicon.
void write_lexicon(
    const fs::path& build, const std::vector<fs::path>& parts,
    const std::vector<std::pair<std::string, std::string>>& files) {
  Xapian::Database all;
  for (const fs::path& p : parts)
    all.add_database(Xapian::Database(p.string()));
  const fs::path lexicon = build / schema::kLexiconDir;
  all.compact(lexicon.string());
  all.close();
  Xapian::WritableDatabase out(lexicon.string(), Xapian::DB_OPEN);
  for (const auto& [key, value] : files)
    out.set_metadata(std::string(schema::kMetaFile) + key, value);
  out.set_metadata(std::string(schema::kMetaShards),
                   std::to_string(parts.size()));
  out.commit();
  const auto dictionaries =
      metadata_with(out, std::string(schema::kMetaBodyDictionary));
  out.close();
  for (size_t i = 0; i < parts.size(); ++i) {
    Xapian::WritableDatabase shard((build / shard_name(i)).string(),
                                   Xapian::DB_OPEN | Xapian::DB_NO_SYNC);
    for (const auto& [key, value] : dictionaries)
      shard.set_metadata(key, value);
    shard.set_metadata(std::string(schema::kMetaShard), std::to_string(i));
    shard.commit();
    shard.close();
  }
}

// The stub database that makes a sharded index one database: the lexicon
// first (its metadata is the index's), then the shards.
void write_stub(const fs::path& build, unsigned n) {
  std::string stub = "# bilex sharded index: the lexicon, then " +
                     std::to_string(n) + " shards\nauto " +
                     std::string(schema::kLexiconDir) + "\n";
  for (unsigned i = 0; i < n; ++i) stub += "auto " + shard_name(i) + "\n";
  FILE* f = std::fopen((build / schema::kStubFile).c_str(), "we");
  const bool ok = f && std::fputs(stub.c_str(), f) >= 0;
  if (f && std::fclose(f) != 0) throw IndexError("cannot write stub database");
  if (!ok) throw IndexError("cannot write stub database in " + build.string());
}

// Merges the databases `parts` into a new one at `out` by compaction;
// returns its document count.
Xapian::doccount compact_into(const std::vector<fs::path>& parts,
                              const fs::path& out) {
  Xapian::Database all;
  for (const fs::path& p : parts)
    all.add_database(Xapian::Database(p.string()));
  const Xapian::doccount docs = all.get_doccount();
  all.compact(out.string());
  all.close();
  return docs;
}

// Writes the index's documents from `opts.paths` to `shards`, and returns
// each shard's segments.
std::vector<std::vector<fs::path>> write_shards(
    std::vector<std::unique_ptr<Shard>>& shards, const IndexOptions& opts,
    IndexSummary& summary, const ProgressFn& progress,
    std::vector<std::pair<std::string, std::string>>& files_read) {
  Writer writer(nullptr, &shards, opts, true, summary, progress);
  for (const std::string& path : opts.paths) writer.index_input(path);
  writer.finish();
  files_read = writer.files_read();
  std::vector<std::vector<fs::path>> segments;
  for (const auto& shard : shards) segments.push_back(shard->segments());
  shards.clear();
  return segments;
}

// A fresh build of one database: `jobs` shards written in parallel, their
// segments merged by compaction into `compacted`.
void build_single(const fs::path& parent, const std::string& side,
                  const std::string& pid, const fs::path& compacted,
                  const IndexOptions& opts, IndexSummary& summary,
                  const ProgressFn& progress) {
  unsigned n = opts.jobs ? opts.jobs : std::thread::hardware_concurrency();
  n = std::max(1u, std::min(n, 16u));
  const fs::path segment_dir = parent / (side + "segments-" + pid);
  SideDirs cleanup;  // destroyed after the shards, which write in it
  cleanup.add(segment_dir);
  fs::create_directories(segment_dir);
  std::vector<std::unique_ptr<Shard>> shards;
  for (unsigned i = 0; i < n; ++i)
    shards.push_back(std::make_unique<Shard>(segment_dir, nullptr, opts, i));
  std::vector<std::pair<std::string, std::string>> files_read;
  std::vector<fs::path> all;
  for (const auto& segments :
       write_shards(shards, opts, summary, progress, files_read))
    all.insert(all.end(), segments.begin(), segments.end());
  summary.docs = compact_into(all, compacted);
  fs::remove_all(segment_dir);
  if (!files_read.empty()) {
    Xapian::WritableDatabase out(compacted.string(), Xapian::DB_OPEN);
    for (const auto& [key, value] : files_read)
      out.set_metadata(std::string(schema::kMetaFile) + key, value);
    out.commit();
    out.close();
  }
}

// Compacts each shard's segments into its database in `build`, the shards
// in parallel.
void compact_shards(const fs::path& build,
                    const std::vector<std::vector<fs::path>>& segments) {
  run_parallel(segments.size(), [&](size_t i) {
    compact_into(segments[i], build / shard_name(i));
  });
}

// A fresh build of `n` shards (one thread each) into the directory `build`,
// with their lexicon and stub: each shard the compaction of its own
// segments, the shards not merged.
void build_sharded(const fs::path& build, unsigned n, const IndexOptions& opts,
                   IndexSummary& summary, const ProgressFn& progress) {
  const fs::path segment_dir = build / "segments";
  fs::create_directories(segment_dir);
  std::vector<fs::path> parts;
  for (unsigned i = 0; i < n; ++i)
    parts.push_back(build / ("lexicon-part" + std::to_string(i)));
  std::vector<std::unique_ptr<Shard>> shards;
  for (unsigned i = 0; i < n; ++i)
    shards.push_back(std::make_unique<Shard>(segment_dir, &parts[i], opts, i));
  std::vector<std::pair<std::string, std::string>> files_read;
  compact_shards(build,
                 write_shards(shards, opts, summary, progress, files_read));
  fs::remove_all(segment_dir);
  write_lexicon(build, parts, files_read);
  for (const fs::path& p : parts) fs::remove_all(p);
  write_stub(build, n);
  summary.docs = Xapian::Database(build.string()).get_doccount();
  sync_tree(build);
}

Xapian::WritableDatabase open_writable(const fs::path& path,
                                       const std::string& name) {
  try {
    return Xapian::WritableDatabase(path.string(), Xapian::DB_CREATE_OR_OPEN);
  } catch (const Xapian::DatabaseLockError&) {
    throw IndexError("index " + name + " is being updated by another process");
  } catch (const Xapian::DatabaseError& e) {
    throw IndexError("cannot open index " + name + ": " + e.get_description());
  }
}

// The databases of the index at `dir` for an update (see Target).
Target open_target(const fs::path& dir, unsigned shards,
                   const std::string& name) {
  Target t;
  if (shards <= 1) {
    t.lexicon = open_writable(dir, name);
    t.shards.push_back(t.lexicon);
    return t;
  }
  t.sharded = true;
  t.lexicon = open_writable(dir / schema::kLexiconDir, name);
  for (unsigned i = 0; i < shards; ++i)
    t.shards.push_back(open_writable(dir / shard_name(i), name));
  return t;
}

void update(const fs::path& dir, unsigned shards, const IndexOptions& opts,
            IndexSummary& summary, const ProgressFn& progress) {
  Target target = open_target(dir, shards, opts.db);
  check_schema(target.lexicon, opts.db);
  for (unsigned i = 0; target.sharded && i < shards; ++i)
    check_schema(target.shards[i], opts.db);
  Writer writer(&target, nullptr, opts, false, summary, progress);
  for (const std::string& path : opts.paths) writer.index_input(path);
  writer.finish();
  summary.docs = target.doccount();
  target.close();
}

// Merges the index at `dir` (its shards, or one fragmented database) into
// one database with Xapian's compaction, in `side`, and swaps it in.
void compact_index(const fs::path& dir, const fs::path& side,
                   IndexSummary& summary) {
  SideDirs cleanup;
  cleanup.add(side);
  {
    Xapian::Database all(dir.string());
    summary.docs = all.get_doccount();
    all.compact(side.string());
  }
  // Compaction keeps the first member's value of a metadata key: the
  // lexicon's; the shards' own keys are dropped.
  Xapian::WritableDatabase out(side.string(), Xapian::DB_OPEN);
  out.set_metadata(std::string(schema::kMetaShards), "");
  out.set_metadata(std::string(schema::kMetaShard), "");
  out.commit();
  out.close();
  swap_in(side, dir);
  cleanup.release();
  summary.shards = 1;
}

// The shard count of this run: --shards, else the index's own, else 1. An
// update cannot change it.
unsigned shard_count(const IndexOptions& opts, bool fresh, unsigned existing) {
  if (opts.shards > 1024)
    throw UsageError("--shards " + std::to_string(opts.shards) +
                     ": at most 1024");
  if (!fresh && opts.shards && opts.shards != existing)
    throw UsageError("index " + opts.db + " has " + std::to_string(existing) +
                     (existing == 1 ? " shard" : " shards") + "; --shards " +
                     std::to_string(opts.shards) +
                     " needs --rebuild (--compact merges shards into one)");
  if (opts.shards) return opts.shards;
  return existing ? existing : 1;
}

// The index directory `opts.db` names, created when missing, once it is
// known that it may be written: a bilex index, or a directory bilex may
// replace.
fs::path index_dir(const IndexOptions& opts) {
  fs::path dir = fs::path(opts.db).lexically_normal();
  if (dir.filename().empty()) dir = dir.parent_path();  // "index/"
  if (opts.rebuild && !replaceable(dir))
    throw IndexError("refusing to replace " + opts.db +
                     ": it holds files and is not a bilex index");
  // Checked before the lock is taken too, so that a user's directory given
  // by mistake is left without a lock file in it.
  if (!is_index(dir) && !replaceable(dir))
    throw IndexError(dir.string() + " holds files and is not a bilex index");
  if (opts.compact && opts.paths.empty() && !is_index(dir))
    throw IndexError("no index at " + opts.db + " to compact");
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    throw IndexError("cannot create index directory " + opts.db + ": " +
                     ec.message());
  return dir;
}

// Removes the side directories (names starting with `side`) in `parent`
// that an interrupted run left: stale, since the caller holds the lock.
void remove_side_dirs(const fs::path& parent, const std::string& side) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(parent, ec))
    if (e.path().filename().string().starts_with(side))
      fs::remove_all(e.path(), ec);
}

}  // namespace

IndexSummary run_index(const IndexOptions& opts, const ProgressFn& progress) {
  const auto start = std::chrono::steady_clock::now();
  IndexSummary summary;
  const fs::path dir = index_dir(opts);
  WriterLock lock(dir);
  // A fresh build goes to a side directory and is swapped in: readers never
  // see it half done.
  const bool fresh = opts.rebuild || starts_empty(dir);
  const unsigned shards = shard_count(opts, fresh, index_shards(dir));
  summary.shards = shards;
  const fs::path parent =
      dir.parent_path().empty() ? fs::path(".") : dir.parent_path();
  const std::string side = dir.filename().string() + ".bilex-";
  remove_side_dirs(parent, side);
  const std::string pid = std::to_string(::getpid());
  const fs::path built = parent / (side + "build-" + pid);
  if (fresh) {
    SideDirs cleanup;
    cleanup.add(built);
    if (shards > 1) {
      build_sharded(built, shards, opts, summary, progress);
    } else {
      build_single(parent, side, pid, built, opts, summary, progress);
    }
    swap_in(built, dir);
    cleanup.release();
  } else {
    update(dir, shards, opts, summary, progress);
  }
  // A fresh build of one database is compacted already.
  if (opts.compact && (shards > 1 || !fresh))
    compact_index(dir, parent / (side + "compact-" + pid), summary);
  summary.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return summary;
}

}  // namespace bilex
