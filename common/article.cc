#include "common/article.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <vector>

#include "common/date.h"
#include "common/error.h"
#include "common/unicode.h"

namespace bilex {
namespace {

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

// A line that reads as a headline: short, a few words, not a sentence.
bool reads_as_headline(std::string_view line) {
  line = trim_space(line);
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

// One "key: value" line of front matter into `doc` (title, date, lang).
void read_front_matter_line(std::string_view kv, Document* doc) {
  const size_t colon = kv.find(':');
  if (colon == std::string_view::npos) return;
  std::string key(trim_space(kv.substr(0, colon)));
  std::transform(key.begin(), key.end(), key.begin(), ::tolower);
  std::string_view value = trim_space(kv.substr(colon + 1));
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
  if (lines.empty() || trim_space(rest->substr(0, lines[0].end)) != "---")
    return;
  for (size_t i = 1; i < lines.size(); ++i) {
    auto line_at = [&](size_t k) {
      return rest->substr(lines[k].begin, lines[k].end - lines[k].begin);
    };
    if (trim_space(line_at(i)) != "---") continue;
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
        trim_space(std::string_view(*body).substr(l.begin, l.end - l.begin));
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
    doc->title = std::string(trim_space(first));
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

Document parse_json_article(std::string_view line, std::string fallback_id) {
  auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    // Invalid UTF-8 inside strings is repaired, not a reason to reject.
    size_t repaired = 0;
    const std::string fixed = repair_utf8(line, &repaired);
    if (repaired > 0) j = nlohmann::json::parse(fixed, nullptr, false);
  }
  if (j.is_discarded()) throw InputError("not valid JSON");
  if (!j.is_object()) throw InputError("not a JSON object");
  const auto body = j.find("body");
  if (body == j.end() || !body->is_string())
    throw InputError("no \"body\" string");
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
    doc.title = std::string(trim_space(t->get<std::string>()));
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

}  // namespace bilex
