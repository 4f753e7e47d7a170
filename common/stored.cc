#include "common/stored.h"

#include <zdict.h>
#include <zstd.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/error.h"

namespace bilex {

// Stored form: kStoredMagic then id, title and date, each as a decimal length,
// ':' and the bytes; one byte of language ('e', 's', 'u'); the body to the end.
// Cheaper to read back than JSON (no escaping, the body copied once), which
// matters for every hit of every query.
namespace {
constexpr std::string_view kStoredMagic = "b2";
// The body is stored as a zstd frame: Xapian would otherwise deflate the
// whole document data, and inflating it was an eighth of a query's time
// (zstd decompresses several times faster; Xapian keeps incompressible data
// as it is).
constexpr int kBodyLevel = 3;

void put_field(std::string* out, std::string_view f) {
  out->append(std::to_string(f.size()));
  out->push_back(':');
  out->append(f);
}

bool get_field(std::string_view* in, std::string* f) {
  size_t n = 0, i = 0;
  while (i < in->size() && i < 10 && (*in)[i] >= '0' && (*in)[i] <= '9')
    n = n * 10 + static_cast<size_t>((*in)[i++] - '0');
  if (i == 0 || i >= in->size() || (*in)[i] != ':' || in->size() - i - 1 < n)
    return false;
  f->assign(in->substr(i + 1, n));
  in->remove_prefix(i + 1 + n);
  return true;
}
}  // namespace

namespace {
// Dictionaries loaded in this process; never freed, so that pointers to them
// stay valid.
std::mutex dictionaries_mutex;
std::vector<std::unique_ptr<BodyDictionary>>& dictionaries() {
  static auto* all = new std::vector<std::unique_ptr<BodyDictionary>>;
  return *all;
}

// The dictionary's size: larger ones saved little more (docs/performance.md).
constexpr size_t kDictionaryBytes = 64 << 10;
constexpr size_t kMinSamples = 100;
constexpr size_t kMinSampleBytes = 64 << 10;
}  // namespace

std::string BodyDictionary::train(const std::vector<std::string>& samples) {
  size_t total = 0;
  for (const std::string& b : samples) total += b.size();
  if (samples.size() < kMinSamples || total < kMinSampleBytes) return {};
  std::string all;
  all.reserve(total);
  std::vector<size_t> sizes;
  for (const std::string& b : samples) {
    all += b;
    sizes.push_back(b.size());
  }
  std::string dict(kDictionaryBytes, '\0');
  const size_t n =
      ZDICT_trainFromBuffer(dict.data(), dict.size(), all.data(), sizes.data(),
                            static_cast<unsigned>(sizes.size()));
  if (ZDICT_isError(n)) return {};
  dict.resize(n);
  return dict;
}

const BodyDictionary* BodyDictionary::load(const std::string& bytes) {
  const unsigned id = ZDICT_getDictID(bytes.data(), bytes.size());
  if (id == 0) return nullptr;
  std::lock_guard lock(dictionaries_mutex);
  for (const auto& d : dictionaries())
    if (d->id_ == id) return d->bytes_ == bytes ? d.get() : nullptr;
  std::unique_ptr<BodyDictionary> d(new BodyDictionary);
  d->id_ = id;
  d->bytes_ = bytes;
  d->ddict_ = ZSTD_createDDict(bytes.data(), bytes.size());
  if (!d->ddict_) return nullptr;
  dictionaries().push_back(std::move(d));
  return dictionaries().back().get();
}

const void* BodyDictionary::cdict() const {
  std::call_once(cdict_once_, [this] {
    cdict_ = ZSTD_createCDict(bytes_.data(), bytes_.size(), kBodyLevel);
    if (!cdict_) throw Error("zstd: cannot load a dictionary");
  });
  return cdict_;
}

BodyDictionary::~BodyDictionary() {
  ZSTD_freeCDict(static_cast<ZSTD_CDict*>(cdict_));
  ZSTD_freeDDict(static_cast<ZSTD_DDict*>(ddict_));
}

namespace {
// The loaded dictionary of `id`, or nullptr.
const BodyDictionary* find_dictionary(unsigned id) {
  thread_local const BodyDictionary* last = nullptr;
  if (last && last->id() == id) return last;
  std::lock_guard lock(dictionaries_mutex);
  for (const auto& d : dictionaries())
    if (d->id() == id) return last = d.get();
  return nullptr;
}
}  // namespace

std::string to_stored(const Document& doc, const BodyDictionary* dict) {
  std::string out;
  out.reserve(doc.body.size() + doc.title.size() + doc.id.size() + 40);
  out.append(kStoredMagic);
  put_field(&out, doc.id);
  put_field(&out, doc.title);
  put_field(&out, doc.date);
  out.push_back(doc.lang == Lang::en ? 'e' : doc.lang == Lang::es ? 's' : 'u');
  const size_t at = out.size();
  out.resize(at + ZSTD_compressBound(doc.body.size()));
  thread_local const std::unique_ptr<ZSTD_CCtx, size_t (*)(ZSTD_CCtx*)> ctx(
      ZSTD_createCCtx(), ZSTD_freeCCtx);
  const size_t n =
      dict ? ZSTD_compress_usingCDict(
                 ctx.get(), out.data() + at, out.size() - at, doc.body.data(),
                 doc.body.size(), static_cast<const ZSTD_CDict*>(dict->cdict()))
           : ZSTD_compressCCtx(ctx.get(), out.data() + at, out.size() - at,
                               doc.body.data(), doc.body.size(), kBodyLevel);
  if (ZSTD_isError(n)) throw Error("zstd: cannot compress");
  out.resize(at + n);
  return out;
}

Document from_stored(std::string_view data, bool with_body) {
  if (!data.starts_with(kStoredMagic)) return {};
  data.remove_prefix(kStoredMagic.size());
  Document d;
  if (!get_field(&data, &d.id) || !get_field(&data, &d.title) ||
      !get_field(&data, &d.date) || data.empty())
    return {};
  d.lang = data[0] == 'e' ? Lang::en : data[0] == 's' ? Lang::es : Lang::und;
  if (!with_body) return d;
  data.remove_prefix(1);
  const unsigned long long size =
      ZSTD_getFrameContentSize(data.data(), data.size());
  if (size == ZSTD_CONTENTSIZE_UNKNOWN || size == ZSTD_CONTENTSIZE_ERROR ||
      size > 2 * kMaxBodyBytes)
    return {};
  // A context per thread: creating one costs more than decompressing an
  // article.
  thread_local const std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> ctx(
      ZSTD_createDCtx(), ZSTD_freeDCtx);
  const unsigned id = ZSTD_getDictID_fromFrame(data.data(), data.size());
  const BodyDictionary* dict = id ? find_dictionary(id) : nullptr;
  if (id && !dict) return d;  // its dictionary is not loaded: no body
  d.body.resize(size);
  const size_t n =
      dict ? ZSTD_decompress_usingDDict(
                 ctx.get(), d.body.data(), d.body.size(), data.data(),
                 data.size(), static_cast<const ZSTD_DDict*>(dict->ddict()))
           : ZSTD_decompressDCtx(ctx.get(), d.body.data(), d.body.size(),
                                 data.data(), data.size());
  if (ZSTD_isError(n) || n != size) return {};
  return d;
}

}  // namespace bilex
