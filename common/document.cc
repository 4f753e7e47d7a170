#include "common/document.h"

#include <cctype>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/unicode.h"

namespace bilex {
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

void enforce_limits(Document& doc, std::vector<std::string>* warnings) {
  if (doc.id.size() > kMaxIdBytes)
    throw InputError("id longer than " + std::to_string(kMaxIdBytes) +
                     " bytes (" + std::to_string(doc.id.size()) + ")");
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
}

std::string display_title(const Document& doc) {
  if (!doc.title.empty()) return doc.title;
  const size_t slash = doc.id.rfind('/');
  return slash == std::string::npos ? doc.id : doc.id.substr(slash + 1);
}

}  // namespace bilex
