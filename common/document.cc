#include "common/document.h"

#include <zdict.h>
#include <zstd.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <vector>

#include "common/error.h"
#include "common/unicode.h"

namespace bilex {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

struct Line {
  size_t begin, end;  // byte range without the newline
  size_t next;        // start of the following line
};

std::vector<Line> first_lines(std::string_view s, size_t max_lines) {
  std::vector<Line> lines;
  size_t i = 0;
  while (i < s.size() && lines.size() < max_lines) {
    size_t nl = s.find('\n', i);
    if (nl == std::string_view::npos) nl = s.size();
    size_t end = nl;
    if (end > i && s[end - 1] == '\r') --end;
    lines.push_back({i, end, std::min(nl + 1, s.size())});
    i = nl + 1;
  }
  return lines;
}

bool is_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(),
                                   [](char c) { return c >= '0' && c <= '9'; });
}

// A line that reads as a headline: short, a few words, not a sentence.
bool reads_as_headline(std::string_view line) {
  line = trim(line);
  if (line.empty() || line.size() > 200) return false;
  const size_t words =
      1 + static_cast<size_t>(std::count(line.begin(), line.end(), ' '));
  if (words > 30) return false;
  if (std::none_of(line.begin(), line.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) ||
               static_cast<unsigned char>(c) >= 0x80;
      }))
    return false;
  const char last = line.back();
  return last != '.' && last != ',' && last != ';' && last != ':';
}

void strip_leading_blank_lines(std::string* s) {
  size_t i = 0;
  while (i < s->size() && std::isspace(static_cast<unsigned char>((*s)[i])))
    ++i;
  s->erase(0, i);
}

}  // namespace

std::optional<std::string> parse_iso_date(std::string_view s) {
  s = trim(s);
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  const std::string_view y = s.substr(0, 4), m = s.substr(5, 2),
                         d = s.substr(8, 2);
  if (!is_digits(y) || !is_digits(m) || !is_digits(d)) return std::nullopt;
  if (s.size() > 10 && s[10] != ' ' && s[10] != 'T') return std::nullopt;
  const int year = std::stoi(std::string(y)), month = std::stoi(std::string(m)),
            day = std::stoi(std::string(d));
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1])
    return std::nullopt;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month == 2 && day == 29 && !leap) return std::nullopt;
  return std::string(s.substr(0, 10));
}

namespace {

// One "key: value" line of front matter into `doc` (title, date, lang).
void read_front_matter_line(std::string_view kv, Document* doc) {
  const size_t colon = kv.find(':');
  if (colon == std::string_view::npos) return;
  std::string key(trim(kv.substr(0, colon)));
  std::transform(key.begin(), key.end(), key.begin(), ::tolower);
  std::string_view value = trim(kv.substr(colon + 1));
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
      value.back() == value.front()) {
    value = value.substr(1, value.size() - 2);
  }
  if (key == "title") doc->title = std::string(value);
  if (key == "date") doc->date = parse_iso_date(value).value_or("");
  if (key == "lang" || key == "language") {
    if (auto l = parse_lang(value)) {
      doc->lang = *l;
      doc->lang_given = true;
    }
  }
}

// 1. A front-matter block: "---" lines around "key: value" lines. Read
//    into `doc` and removed from *rest when closed within its first lines.
void take_front_matter(std::string_view* rest, Document* doc) {
  if (!rest->starts_with("---")) return;
  const auto lines = first_lines(*rest, 64);
  if (lines.empty() || trim(rest->substr(0, lines[0].end)) != "---") return;
  for (size_t i = 1; i < lines.size(); ++i) {
    auto line_at = [&](size_t k) {
      return rest->substr(lines[k].begin, lines[k].end - lines[k].begin);
    };
    if (trim(line_at(i)) != "---") continue;
    for (size_t j = 1; j < i; ++j) read_front_matter_line(line_at(j), doc);
    rest->remove_prefix(lines[i].next);
    return;
  }
}

// 2. A leading "date YYYY-MM-DD" marker.
void take_date_marker(std::string* body, Document* doc) {
  if (!doc->date.empty() || !body->starts_with("date ")) return;
  if (auto d = parse_iso_date(std::string_view(*body).substr(5, 10))) {
    doc->date = *d;
    body->erase(0, 15);
    strip_leading_blank_lines(body);
  }
}

// 3. An ISO date (optionally with a time) alone on one of the first lines.
void take_date_line(std::string* body, Document* doc) {
  if (!doc->date.empty()) return;
  for (const Line& l : first_lines(*body, 5)) {
    const std::string_view line =
        trim(std::string_view(*body).substr(l.begin, l.end - l.begin));
    if (line.size() > 25) continue;
    if (auto d = parse_iso_date(line)) {
      doc->date = *d;
      body->erase(l.begin, l.next - l.begin);
      return;
    }
  }
}

// 4. The first line as the title when it reads as a headline and more text
//    follows.
void take_headline(std::string* body, Document* doc) {
  if (!doc->title.empty()) return;
  const auto lines = first_lines(*body, 2);
  if (lines.size() != 2) return;
  const std::string_view first =
      std::string_view(*body).substr(lines[0].begin, lines[0].end);
  if (reads_as_headline(first)) {
    doc->title = std::string(trim(first));
    body->erase(0, lines[0].next);
  }
}

}  // namespace

Document parse_text_article(std::string_view content, std::string id) {
  Document doc;
  doc.id = std::move(id);
  std::string_view rest = content;
  if (rest.starts_with("\xEF\xBB\xBF")) rest.remove_prefix(3);  // BOM
  take_front_matter(&rest, &doc);
  std::string body(rest);
  strip_leading_blank_lines(&body);
  take_date_marker(&body, &doc);
  take_date_line(&body, &doc);
  take_headline(&body, &doc);
  strip_leading_blank_lines(&body);
  while (!body.empty() && std::isspace(static_cast<unsigned char>(body.back())))
    body.pop_back();
  doc.body = std::move(body);
  return doc;
}

std::optional<Document> parse_json_article(std::string_view line,
                                           std::string fallback_id,
                                           std::string* error) {
  auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    // Invalid UTF-8 inside strings is repaired, not a reason to reject.
    size_t repaired = 0;
    const std::string fixed = repair_utf8(line, &repaired);
    if (repaired > 0) j = nlohmann::json::parse(fixed, nullptr, false);
  }
  if (j.is_discarded()) {
    *error = "not valid JSON";
    return std::nullopt;
  }
  if (!j.is_object()) {
    *error = "not a JSON object";
    return std::nullopt;
  }
  const auto body = j.find("body");
  if (body == j.end() || !body->is_string()) {
    *error = "no \"body\" string";
    return std::nullopt;
  }
  Document doc;
  doc.body = repair_utf8(body->get<std::string>());
  doc.id = std::move(fallback_id);
  if (auto id = j.find("id"); id != j.end()) {
    if (id->is_string() && !id->get<std::string>().empty())
      doc.id = id->get<std::string>();
    else if (id->is_number_integer())
      doc.id = std::to_string(id->get<long long>());
  }
  if (auto t = j.find("title"); t != j.end() && t->is_string())
    doc.title = std::string(trim(t->get<std::string>()));
  if (auto d = j.find("date"); d != j.end() && d->is_string())
    doc.date = parse_iso_date(d->get<std::string>()).value_or("");
  if (auto l = j.find("lang"); l != j.end() && l->is_string()) {
    if (auto lang = parse_lang(l->get<std::string>())) {
      doc.lang = *lang;
      doc.lang_given = true;
    }
  }
  return doc;
}

namespace {

// The length of the longest prefix of `s` of at most `max` bytes that ends
// on a UTF-8 sequence boundary, and before a space when one is in the last
// 200 bytes of it.
size_t cut_point(std::string_view s, size_t max) {
  const size_t end = utf8_floor(s, max);
  const size_t floor = end > 200 ? end - 200 : 0;
  for (size_t i = end; i > floor; --i)
    if (std::isspace(static_cast<unsigned char>(s[i - 1]))) return i - 1;
  return end;
}

std::string mib(size_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

}  // namespace

std::string enforce_limits(Document& doc, std::vector<std::string>* warnings) {
  if (doc.id.size() > kMaxIdBytes)
    return "id longer than " + std::to_string(kMaxIdBytes) + " bytes (" +
           std::to_string(doc.id.size()) + ")";
  if (doc.title.size() > kMaxTitleBytes) {
    warnings->push_back("title longer than " + std::to_string(kMaxTitleBytes) +
                        " bytes (" + std::to_string(doc.title.size()) +
                        "): cut");
    // The cut and its ellipsis stay within the limit.
    doc.title.resize(cut_point(doc.title, kMaxTitleBytes - 3));
    doc.title += "\xE2\x80\xA6";  // …
  }
  if (doc.body.size() > kMaxBodyBytes) {
    warnings->push_back("text longer than " + mib(kMaxBodyBytes) + " (" +
                        std::to_string(doc.body.size()) +
                        " bytes): only the first " + mib(kMaxBodyBytes) +
                        " indexed and kept");
    doc.body.resize(cut_point(doc.body, kMaxBodyBytes));
  }
  return {};
}

std::string display_title(const Document& doc) {
  if (!doc.title.empty()) return doc.title;
  const size_t slash = doc.id.rfind('/');
  return slash == std::string::npos ? doc.id : doc.id.substr(slash + 1);
}

uint64_t fnv1a(std::string_view s) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string content_hash(std::string_view s) {
  char out[17];
  std::snprintf(out, sizeof out, "%016llx",
                static_cast<unsigned long long>(fnv1a(s)));
  return out;
}

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

std::string bounded_term(std::string_view prefix, std::string_view value) {
  if (value.size() <= 200) return std::string(prefix) + std::string(value);
  return std::string(prefix) + "#" + content_hash(value);
}

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
