#include "common/lexicon.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace bilex {

Lexicon::Lexicon(const std::string& path) : path_(path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    note_ = "cannot open " + path + ": " + std::strerror(errno);
    return;
  }
  struct stat st {};
  void* map = MAP_FAILED;
  if (::fstat(fd, &st) == 0 && st.st_size > 0)
    map = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ,
                 MAP_SHARED, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) {
    note_ = "cannot read " + path;
    return;
  }
  const auto* data = static_cast<const char*>(map);
  const auto size = static_cast<size_t>(st.st_size);
  const std::string_view text(data, size);
  if (!text.starts_with(kHeader) || text.size() == kHeader.size() ||
      text[kHeader.size()] != '\n' || text.back() != '\n') {
    ::munmap(map, size);
    note_ = path + " is not a bilex lexicon (rebuild it)";
    return;
  }
  data_ = data;
  size_ = size;
  body_ = kHeader.size() + 1;
}

Lexicon::~Lexicon() {
  if (data_) ::munmap(const_cast<char*>(data_), size_);
}

// The whole line that holds `offset`, without its newline.
std::string_view Lexicon::line_at(size_t offset) const {
  size_t begin = offset;
  while (begin > body_ && data_[begin - 1] != '\n') --begin;
  const void* nl = std::memchr(data_ + offset, '\n', size_ - offset);
  const size_t end = static_cast<size_t>(static_cast<const char*>(nl) - data_);
  return {data_ + begin, end - begin};
}

std::optional<std::string_view> Lexicon::find(std::string_view key) const {
  // Binary search over byte offsets: each probe reads the line around it.
  size_t lo = body_, hi = size_;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    const std::string_view line = line_at(mid);
    const size_t second_tab = line.find('\t', line.find('\t') + 1);
    const int c = line.substr(0, second_tab).compare(key);
    if (c == 0) return line.substr(std::min(second_tab, line.size()));
    const size_t line_begin = static_cast<size_t>(line.data() - data_);
    if (c < 0)
      lo = line_begin + line.size() + 1;
    else
      hi = line_begin;
  }
  return std::nullopt;
}

std::vector<Translation> Lexicon::translate(Lang from,
                                            std::string_view key) const {
  std::vector<Translation> out;
  if (!data_ || key.empty()) return out;
  std::string wanted(lang_code(from));
  wanted += '\t';
  wanted += key;
  std::string_view found = find(wanted).value_or(std::string_view());
  // found: "\tfrontera:fronter<border\tborde:bord<border"
  while (!found.empty()) {
    found.remove_prefix(1);
    std::string_view field = found.substr(0, found.find('\t'));
    found.remove_prefix(field.size());
    const size_t lt = field.rfind(kSourceMark);
    const std::string_view source =
        lt == std::string_view::npos ? "" : field.substr(lt + 1);
    field = field.substr(0, lt);
    const size_t colon = field.rfind(':');
    if (colon == std::string_view::npos || colon == 0) continue;
    out.push_back({field.substr(0, colon), field.substr(colon + 1), source});
  }
  return out;
}

Lang Lexicon::word_language(std::string_view term) const {
  if (!data_ || term.empty()) return Lang::und;
  std::string wanted(kWordTag);
  wanted += '\t';
  wanted += term;
  const std::optional<std::string_view> rest = find(wanted);
  if (!rest || rest->size() < 2) return Lang::und;
  return parse_lang(rest->substr(1)).value_or(Lang::und);
}

std::string Lexicon::default_path() {
  std::error_code ec;
  const std::filesystem::path exe =
      std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "share/bilex/en-es.lexicon";
  return (exe.parent_path().parent_path() / "share" / "bilex" / "en-es.lexicon")
      .string();
}

const Lexicon& Lexicon::instance() {
  static const Lexicon lexicon([] {
    const char* env = std::getenv("BILEX_LEXICON");
    return env && *env ? std::string(env) : default_path();
  }());
  return lexicon;
}

}  // namespace bilex
