#include "indexer/corpus_reader.h"

#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <vector>

#include "common/article.h"
#include "common/error.h"
#include "common/hash.h"
#include "common/unicode.h"

namespace fs = std::filesystem;

namespace bilex {
namespace {

enum class Kind { none, text, jsonl, jsonl_zst, jsonl_gz };

Kind kind_of(const fs::path& p) {
  std::string name = p.filename().string();
  std::transform(name.begin(), name.end(), name.begin(), ::tolower);
  if (name.ends_with(".txt") || name.ends_with(".md")) return Kind::text;
  if (name.ends_with(".jsonl")) return Kind::jsonl;
  if (name.ends_with(".jsonl.zst")) return Kind::jsonl_zst;
  if (name.ends_with(".jsonl.gz")) return Kind::jsonl_gz;
  return Kind::none;
}

// A stream of bytes: plain file or stdin, gzip, or zstd.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Returns the number of bytes read, 0 at the end; throws on error.
  virtual size_t read(char* buf, size_t n) = 0;
  // Bytes of the underlying file read so far (compressed, if it is).
  virtual uint64_t consumed() const = 0;
};

class FileSource : public ByteSource {
 public:
  explicit FileSource(FILE* f, bool owned) : f_(f), owned_(owned) {}
  ~FileSource() override {
    if (owned_) std::fclose(f_);
  }
  size_t read(char* buf, size_t n) override {
    const size_t got = std::fread(buf, 1, n, f_);
    if (got == 0 && std::ferror(f_)) throw Error(std::strerror(errno));
    consumed_ += got;
    return got;
  }
  uint64_t consumed() const override { return consumed_; }

 private:
  FILE* f_;
  bool owned_;
  uint64_t consumed_ = 0;
};

class GzipSource : public ByteSource {
 public:
  explicit GzipSource(gzFile f) : f_(f) {}
  ~GzipSource() override { gzclose(f_); }
  size_t read(char* buf, size_t n) override {
    const int got = gzread(f_, buf, static_cast<unsigned>(n));
    if (got < 0) {
      int err = 0;
      throw Error(std::string("gzip: ") + gzerror(f_, &err));
    }
    return static_cast<size_t>(got);
  }
  uint64_t consumed() const override {
    const auto at = gzoffset(f_);
    return at > 0 ? static_cast<uint64_t>(at) : 0;
  }

 private:
  gzFile f_;
};

class ZstdSource : public ByteSource {
 public:
  explicit ZstdSource(FILE* f)
      : f_(f), ctx_(ZSTD_createDCtx()), in_buf_(ZSTD_DStreamInSize()) {}
  ~ZstdSource() override {
    ZSTD_freeDCtx(ctx_);
    std::fclose(f_);
  }
  size_t read(char* buf, size_t n) override {
    ZSTD_outBuffer out{buf, n, 0};
    while (out.pos == 0) {
      if (in_.pos == in_.size) {
        const size_t got = std::fread(in_buf_.data(), 1, in_buf_.size(), f_);
        consumed_ += got;
        if (got == 0) {
          if (std::ferror(f_)) throw Error(std::strerror(errno));
          if (!frame_done_) throw Error("zstd: truncated input");
          return 0;
        }
        in_ = {in_buf_.data(), got, 0};
      }
      const size_t r = ZSTD_decompressStream(ctx_, &out, &in_);
      if (ZSTD_isError(r))
        throw Error(std::string("zstd: ") + ZSTD_getErrorName(r));
      frame_done_ = r == 0;
    }
    return out.pos;
  }
  uint64_t consumed() const override { return consumed_; }

 private:
  FILE* f_;
  ZSTD_DCtx* ctx_;
  uint64_t consumed_ = 0;
  std::vector<char> in_buf_;
  ZSTD_inBuffer in_{nullptr, 0, 0};
  bool frame_done_ = true;
};

// Splits a byte stream into lines ('\n'; a trailing '\r' is dropped). A
// line longer than kMaxFileBytes is not held in memory: it is passed over
// and reported as too long.
class LineReader {
 public:
  explicit LineReader(std::unique_ptr<ByteSource> src) : src_(std::move(src)) {}
  // Reads the next line into *line; false at the end of the stream. Sets
  // *too_long (and leaves *line empty) for a line over the limit.
  bool next(std::string* line, bool* too_long) {
    line->clear();
    *too_long = false;
    while (true) {
      const size_t nl = buf_.find('\n', scanned_);
      if (nl != std::string::npos) {
        if (!*too_long) line->assign(buf_, pos_, nl - pos_);
        pos_ = scanned_ = nl + 1;
        break;
      }
      if (*too_long || buf_.size() - pos_ > kMaxFileBytes) {
        *too_long = true;
        buf_.clear();
      } else {
        buf_.erase(0, pos_);
      }
      pos_ = 0;
      scanned_ = buf_.size();
      char chunk[1 << 16];
      const size_t got = src_->read(chunk, sizeof chunk);
      if (got == 0) {
        if (buf_.empty() && !*too_long) return false;
        if (!*too_long) line->swap(buf_);
        buf_.clear();
        scanned_ = 0;
        break;
      }
      buf_.append(chunk, got);
    }
    if (!line->empty() && line->back() == '\r') line->pop_back();
    return true;
  }
  uint64_t consumed() const { return src_->consumed(); }

 private:
  std::unique_ptr<ByteSource> src_;
  std::string buf_;
  size_t pos_ = 0;      // start of the next line in buf_
  size_t scanned_ = 0;  // buf_ holds no '\n' between pos_ and this
};

// Applies the document limits; reports a refusal or the cuts. Returns false
// when the document is refused.
bool within_limits(Document& doc, const std::string& source,
                   const ReaderCallbacks& cb) {
  std::vector<std::string> warnings;
  try {
    enforce_limits(doc, &warnings);
  } catch (const InputError& e) {
    cb.on_problem({source, e.what()});
    return false;
  }
  for (std::string& w : warnings) cb.on_problem({source, w, false, doc.id});
  return true;
}

bool looks_binary(std::string_view s) {
  const std::string_view head = s.substr(0, 8192);
  return head.find('\0') != std::string_view::npos;
}

bool blank(std::string_view s) { return trim_space(s).empty(); }

std::string duplicate(const std::string& id) {
  return "duplicate id \"" + id + "\" (an earlier input holds it)";
}

std::string fingerprint_of(const fs::path& p, uint64_t size) {
  std::error_code ec;
  const auto mtime = fs::last_write_time(p, ec);
  const long long ticks = ec ? 0 : mtime.time_since_epoch().count();
  return std::to_string(size) + ":" + std::to_string(ticks);
}

// The size of the file at P, or nullopt after reporting it unreadable or
// over the size limit.
std::optional<uint64_t> text_file_size(const fs::path& p,
                                       const std::string& source,
                                       const std::string& id,
                                       const ReaderCallbacks& cb) {
  std::error_code ec;
  const uint64_t size = fs::file_size(p, ec);
  if (ec) {
    cb.on_problem({source, ec.message(), true, id});
    return std::nullopt;
  }
  if (cb.on_consumed) cb.on_consumed(size);
  if (size > kMaxFileBytes) {
    cb.on_problem({source,
                   "larger than " + std::to_string(kMaxFileBytes >> 20) +
                       " MiB (" + std::to_string(size) + " bytes)",
                   true, id});
    return std::nullopt;
  }
  return size;
}

// The bytes of the file at P, or nullopt after reporting it unreadable,
// blank or binary.
std::optional<std::string> read_text_bytes(const fs::path& p,
                                           const std::string& source,
                                           const std::string& id,
                                           const ReaderCallbacks& cb) {
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    cb.on_problem({source, std::string("cannot read: ") + std::strerror(errno),
                   true, id});
    return std::nullopt;
  }
  std::string raw((std::istreambuf_iterator<char>(in)),
                  std::istreambuf_iterator<char>());
  const char* problem = in.bad()            ? "read error"
                        : blank(raw)        ? "empty"
                        : looks_binary(raw) ? "binary (NUL bytes), not text"
                                            : nullptr;
  if (problem) {
    cb.on_problem({source, problem, true, id});
    return std::nullopt;
  }
  return raw;
}

// The problem of invalid UTF-8 repaired: COUNT sequences replaced.
Problem repaired_problem(const std::string& where, size_t count,
                         const std::string& id) {
  return {where,
          "invalid UTF-8 repaired (" + std::to_string(count) +
              " sequences replaced by U+FFFD)",
          false, id};
}

// The article of a text file's bytes RAW, handed to on_article.
void text_article(const std::string& raw, const std::string& fp,
                  const std::string& source, const std::string& id,
                  const ReaderCallbacks& cb) {
  size_t repaired = 0;
  std::string text = repair_utf8(raw, &repaired);
  if (repaired > 0) cb.on_problem(repaired_problem(source, repaired, id));
  Article a;
  a.hash = content_hash(raw);
  a.fingerprint = fp;
  a.bytes = raw.size();
  a.doc = parse_text_article(text, id);
  if (blank(a.doc.body) && a.doc.title.empty()) {
    cb.on_problem({source, "no text after the metadata", true, id});
    return;
  }
  if (!within_limits(a.doc, source, cb)) return;
  cb.on_article(std::move(a));
}

void read_text_file(const fs::path& p, const std::string& id,
                    const ReaderCallbacks& cb) {
  const std::string source = p.string();
  const auto size = text_file_size(p, source, id, cb);
  if (!size) return;
  const std::string fp = fingerprint_of(p, *size);
  if (cb.claimed && cb.claimed(id)) {
    cb.on_problem({source, duplicate(id), true, id});
    return;
  }
  if (cb.is_unchanged && cb.is_unchanged(id, fp)) {
    if (cb.on_unchanged) cb.on_unchanged(id);
    return;
  }
  const auto raw = read_text_bytes(p, source, id, cb);
  if (raw) text_article(*raw, fp, source, id, cb);
}

// The records of one JSON Lines stream, each handed on or reported.
class JsonlRecords {
 public:
  JsonlRecords(const ReaderCallbacks& cb, const std::string& file_key)
      : cb_(cb), file_key_(file_key) {}

  void problem(Problem&& p) {
    problems_ = true;
    cb_.on_problem(std::move(p));
  }
  bool had_problems() const { return problems_; }

  // One line (not too long), numbered WHERE.
  void record(std::string& line, const std::string& where) {
    if (blank(line)) return;
    size_t repaired = 0;
    line = repair_utf8(line, &repaired);
    Document doc;
    try {
      doc = parse_json_article(line, where);
    } catch (const InputError& e) {
      problem({where, std::string("malformed JSON Lines record: ") + e.what()});
      return;
    }
    if (blank(doc.body)) {
      problem({where, "empty body", true, doc.id});
      return;
    }
    if (!within_limits(doc, where, cb_)) return;
    if (repaired > 0) problem(repaired_problem(where, repaired, doc.id));
    hand_on(std::move(doc), line, where);
  }

 private:
  // A parsed record: a duplicate, unchanged, or an article.
  void hand_on(Document&& doc, const std::string& line,
               const std::string& where) {
    const std::string hash = content_hash(line);
    const std::string& fingerprint = file_key_.empty() ? hash : file_key_;
    if (cb_.claimed && cb_.claimed(doc.id)) {
      problem({where, duplicate(doc.id), true, doc.id});
      return;
    }
    if (cb_.hash_unchanged && cb_.hash_unchanged(doc.id, hash, fingerprint)) {
      if (cb_.on_unchanged) cb_.on_unchanged(doc.id);
      return;
    }
    Article a;
    a.hash = hash;
    a.fingerprint = fingerprint;
    a.bytes = line.size();
    a.doc = std::move(doc);
    cb_.on_article(std::move(a));
  }

  const ReaderCallbacks& cb_;
  const std::string& file_key_;
  bool problems_ = false;
};

// Returns false when the stream broke off (the records after it are unknown).
// `file_key`: the key of the file (see file_unchanged), empty for stdin;
// *clean is set to whether no record had a problem.
bool read_jsonl(std::unique_ptr<ByteSource> src, const std::string& source,
                const ReaderCallbacks& cb, const std::string& file_key = {},
                bool* clean = nullptr) {
  JsonlRecords records(cb, file_key);
  LineReader lines(std::move(src));
  std::string line;
  bool too_long = false;
  size_t number = 0;
  uint64_t reported = 0;
  auto report = [&] {
    const uint64_t now = lines.consumed();
    if (cb.on_consumed && now > reported) cb.on_consumed(now - reported);
    reported = now;
  };
  try {
    while (lines.next(&line, &too_long)) {
      ++number;
      if ((number & 63) == 0) report();
      const std::string where = source + ":" + std::to_string(number);
      if (too_long) {
        records.problem({where, "line longer than " +
                                    std::to_string(kMaxFileBytes >> 20) +
                                    " MiB"});
        continue;
      }
      records.record(line, where);
    }
  } catch (const std::exception& e) {
    report();
    records.problem({source + ":" + std::to_string(number + 1), e.what()});
    return false;
  }
  report();
  if (clean) *clean = !records.had_problems();
  return true;
}

constexpr std::string_view kFileKeyPrefix = "jsonl:";

// The key of a JSON Lines file: its records' fingerprint in the index.
std::string file_key(const fs::path& p) {
  std::error_code ec;
  const fs::path canon = fs::weakly_canonical(fs::absolute(p), ec);
  return std::string(kFileKeyPrefix) +
         content_hash(ec ? p.string() : canon.string());
}

bool read_jsonl_file(const fs::path& p, Kind kind, const ReaderCallbacks& cb) {
  const std::string source = p.string();
  const std::string key = file_key(p);
  std::error_code ec;
  const uint64_t size = fs::file_size(p, ec);
  const std::string fp = ec ? std::string() : fingerprint_of(p, size);
  if (!fp.empty() && cb.file_unchanged && cb.file_unchanged(key, fp)) {
    if (cb.on_consumed) cb.on_consumed(size);
    return true;
  }
  bool clean = false, complete = false;
  if (kind == Kind::jsonl_gz) {
    gzFile f = gzopen(source.c_str(), "rb");
    if (!f) {
      cb.on_problem(
          {source, std::string("cannot open: ") + std::strerror(errno)});
      return false;
    }
    complete =
        read_jsonl(std::make_unique<GzipSource>(f), source, cb, key, &clean);
  } else {
    FILE* f = std::fopen(source.c_str(), "rb");
    if (!f) {
      cb.on_problem(
          {source, std::string("cannot open: ") + std::strerror(errno)});
      return false;
    }
    if (kind == Kind::jsonl_zst)
      complete =
          read_jsonl(std::make_unique<ZstdSource>(f), source, cb, key, &clean);
    else
      complete = read_jsonl(std::make_unique<FileSource>(f, true), source, cb,
                            key, &clean);
  }
  // A file changed while it was read is read again next time.
  std::error_code ec2;
  const uint64_t after = fs::file_size(p, ec2);
  if (complete && clean && !fp.empty() && cb.on_file_read && !ec2 &&
      fingerprint_of(p, after) == fp)
    cb.on_file_read(key, fp);
  return complete;
}

// Adds the article files under `dir` to `files`, skipping hidden entries.
// A directory that cannot be read, or an article name that is not a regular
// file (a broken link, a FIFO), is reported; returns false when a
// directory could not be read (what it holds is unknown, so nothing under
// the root may be considered vanished).
bool collect_files(const fs::path& root, const fs::path& dir,
                   const ReaderCallbacks& cb, std::vector<fs::path>* files) {
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) {
    cb.on_problem({dir.string(), "cannot read directory: " + ec.message()});
    return false;
  }
  bool complete = true;
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) {
      cb.on_problem({dir.string(), "cannot read directory: " + ec.message()});
      return false;
    }
    const fs::path& p = it->path();
    const std::string name = p.filename().string();
    if (name.empty() || name[0] == '.') continue;
    std::error_code sec;
    // Linked directories are not followed (a link to an ancestor would
    // loop); linked files are read.
    if (fs::is_directory(it->symlink_status(sec))) {
      complete = collect_files(root, p, cb, files) && complete;
      continue;
    }
    const fs::file_status st = it->status(sec);
    if (fs::is_directory(st)) continue;
    if (kind_of(p) == Kind::none) continue;
    if (fs::is_regular_file(st)) {
      files->push_back(p);
      continue;
    }
    const std::string id = p.lexically_relative(root).generic_string();
    const bool dangling = it->is_symlink(sec) && !fs::exists(st);
    cb.on_problem({p.string(),
                   dangling ? "cannot read: broken symbolic link"
                            : "cannot read: not a regular file",
                   true, kind_of(p) == Kind::text ? id : std::string()});
  }
  return complete;
}

}  // namespace

bool is_file_key(std::string_view fingerprint) {
  return fingerprint.starts_with(kFileKeyPrefix);
}

bool read_input(const std::string& path, const ReaderCallbacks& cb) {
  if (!cb.on_article || !cb.on_problem)
    throw std::invalid_argument(
        "read_input: on_article and on_problem are required");
  if (path == "-") {
    return read_jsonl(std::make_unique<FileSource>(stdin, false), "<stdin>",
                      cb);
  }
  const fs::path root(path);
  std::error_code ec;
  const auto status = fs::status(root, ec);
  if (ec || !fs::exists(status)) {
    cb.on_problem({path, "no such file or directory"});
    return false;
  }
  if (fs::is_regular_file(status)) {
    const Kind k = kind_of(root);
    if (k == Kind::text) {
      read_text_file(root, root.filename().string(), cb);
      return true;
    }
    if (k == Kind::none) {
      cb.on_problem(
          {path, "not a .txt, .md, .jsonl, .jsonl.zst or .jsonl.gz file"});
      return false;
    }
    return read_jsonl_file(root, k, cb);
  }
  if (!fs::is_directory(status)) {
    cb.on_problem({path, "not a regular file or directory"});
    return false;
  }
  // Collect and sort, so that runs are reproducible.
  std::vector<fs::path> files;
  const bool complete = collect_files(root, root, cb, &files);
  std::sort(files.begin(), files.end());
  bool all_read = complete;
  for (const fs::path& f : files) {
    const Kind k = kind_of(f);
    if (k == Kind::text) {
      read_text_file(f, f.lexically_relative(root).generic_string(), cb);
    } else {
      all_read = read_jsonl_file(f, k, cb) && all_read;
    }
  }
  return all_read;
}

uint64_t input_bytes(const std::vector<std::string>& paths) {
  uint64_t total = 0;
  for (const std::string& path : paths) {
    if (path == "-") continue;
    std::error_code ec;
    const fs::path root(path);
    if (fs::is_regular_file(root, ec)) {
      total += fs::file_size(root, ec);
      continue;
    }
    if (!fs::is_directory(root, ec)) continue;
    std::vector<fs::path> files;
    ReaderCallbacks quiet;
    quiet.on_problem = [](Problem&&) {};
    collect_files(root, root, quiet, &files);
    for (const fs::path& f : files) {
      const uint64_t size = fs::file_size(f, ec);
      if (!ec) total += size;
    }
  }
  return total;
}

}  // namespace bilex
