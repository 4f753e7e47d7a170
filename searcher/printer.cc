#include "searcher/printer.h"

#include <cmath>
#include <cstdio>

#include "searcher/json_writer.h"

namespace bilex {
namespace {

constexpr const char* kMatchOn = "\033[1;31m";
constexpr const char* kTitleOn = "\033[1m";
constexpr const char* kDimOn = "\033[2m";
constexpr const char* kOff = "\033[0m";

void html_escape(std::string* out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '&':
        *out += "&amp;";
        break;
      case '<':
        *out += "&lt;";
        break;
      case '>':
        *out += "&gt;";
        break;
      case '"':
        *out += "&quot;";
        break;
      default:
        out->push_back(c);
    }
  }
}

// The snippet with each match wrapped in `on`…`off`.
std::string wrap_marks(const Snippet& s, const char* on, const char* off) {
  std::string out;
  size_t at = 0;
  for (const auto& [b, e] : s.marks) {
    out.append(s.text, at, b - at);
    out += on;
    out.append(s.text, b, e - b);
    out += off;
    at = e;
  }
  out.append(s.text, at, std::string::npos);
  return out;
}

// Scores rounded to 4 decimals keep the JSON short and stable.
double round4(double x) { return std::round(x * 1e4) / 1e4; }

std::string tsv_field(std::string s) {
  for (char& c : s)
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  return s;
}

}  // namespace

std::string snippet_html(const Snippet& s) {
  std::string out;
  size_t at = 0;
  for (const auto& [b, e] : s.marks) {
    html_escape(&out, std::string_view(s.text).substr(at, b - at));
    out += "<mark>";
    html_escape(&out, std::string_view(s.text).substr(b, e - b));
    out += "</mark>";
    at = e;
  }
  html_escape(&out, std::string_view(s.text).substr(at));
  return out;
}

namespace {

// --explain: each query word's translations and their weights.
void bridged_json(JsonWriter* w, const SearchResult& r) {
  w->begin_array();
  for (const auto& [label, words] : r.bridged) {
    w->begin_object().key("query").value(label).key("translations");
    w->begin_array();
    for (const BridgedWord& b : words)
      w->begin_object()
          .key("lang")
          .value(lang_code(b.lang))
          .key("weight")
          .value(round4(b.weight))
          .key("word")
          .value(b.text)
          .end_object();
    w->end_array().end_object();
  }
  w->end_array();
}

void print_bridged(std::ostream& out, const SearchResult& r) {
  if (!r.bridge_note.empty()) out << "note: " << r.bridge_note << '\n';
  for (const auto& [label, words] : r.bridged) {
    out << "translations of " << label << ':';
    for (const BridgedWord& b : words) {
      char weight[32];
      std::snprintf(weight, sizeof weight, " x%.2f", b.weight);
      out << ' ' << b.text << " (" << lang_code(b.lang) << weight << ')';
    }
    out << '\n';
  }
}

}  // namespace

namespace {

// One hit's JSON object; keys sorted, as in every object of the result.
void hit_json(JsonWriter* w, const Hit& h, bool explain) {
  w->begin_object().key("date");
  if (h.date.empty())
    w->null();
  else
    w->value(h.date);
  if (explain) {
    w->key("explain").begin_array();
    for (const auto& [label, score] : h.contributions)
      w->begin_object()
          .key("query")
          .value(label)
          .key("score")
          .value(round4(score))
          .end_object();
    w->end_array();
  }
  w->key("id").value(h.id).key("lang").value(lang_code(h.lang));
  if (explain) w->key("partial").value(h.partial);
  w->key("rank").value(uint64_t{h.rank}).key("score").value(round4(h.score));
  w->key("snippet").value(snippet_html(h.snippet)).key("title").value(h.title);
  if (!h.translations.empty()) w->key("translations").strings(h.translations);
  w->end_object();
}

}  // namespace

std::string result_json(const SearchResult& r, bool explain) {
  JsonWriter w;
  w.begin_object();
  if (explain) {
    if (!r.bridge_note.empty()) w.key("bridge_note").value(r.bridge_note);
    w.key("bridged");
    bridged_json(&w, r);
  }
  w.key("hits").begin_array();
  for (const Hit& h : r.hits) hit_json(&w, h, explain);
  w.end_array();
  w.key("limit")
      .value(uint64_t{r.limit})
      .key("offset")
      .value(uint64_t{r.offset});
  if (explain) w.key("parsed").value(r.parsed);
  if (!r.unavailable.empty()) w.key("partial").value(true);
  w.key("query").value(r.query);
  if (explain) w.key("query_lang").value(lang_code(r.query_lang));
  w.key("suggestion");
  if (r.suggestion)
    w.value(*r.suggestion);
  else
    w.null();
  w.key("took_ms").value(std::round(r.took_ms * 1000) / 1000);
  w.key("total").value(uint64_t{r.total});
  if (!r.unavailable.empty()) w.key("unavailable").strings(r.unavailable);
  return w.end_object().take();
}

namespace {

void print_tsv(std::ostream& out, const SearchResult& r) {
  for (const Hit& h : r.hits) {
    char score[32];
    std::snprintf(score, sizeof score, "%.4f", h.score);
    out << h.rank << '\t' << tsv_field(h.id) << '\t' << score << '\t'
        << (h.date.empty() ? "-" : h.date) << '\t' << lang_code(h.lang) << '\t'
        << tsv_field(h.title) << '\t'
        << tsv_field(wrap_marks(h.snippet, "", "")) << '\n';
  }
}

// The escapes of the text format: all empty without color.
struct Styles {
  explicit Styles(bool color)
      : match(color ? kMatchOn : ""),
        title(color ? kTitleOn : ""),
        dim(color ? kDimOn : ""),
        off(color ? kOff : "") {}
  const char *match, *title, *dim, *off;
};

// --explain: the parsed query, its language and its bridged words.
void print_query_explained(std::ostream& out, const SearchResult& r) {
  out << "query: " << r.parsed << '\n';
  if (r.query_lang != Lang::und)
    out << "query language: " << lang_code(r.query_lang)
        << " (told by its words): the other language's stems weigh half\n";
  print_bridged(out, r);
  out << '\n';
}

// A hit's second line: date, language, id, missing words, and the score
// with --explain.
void print_hit_facts(std::ostream& out, const Hit& h, bool explain,
                     const Styles& s) {
  out << "   " << s.dim << (h.date.empty() ? "no date" : h.date) << " · "
      << lang_code(h.lang) << " · " << h.id;
  if (!h.missing.empty()) {
    out << " · missing:";
    for (const auto& w : h.missing) out << ' ' << w;
  }
  if (explain) {
    char score[48];
    std::snprintf(score, sizeof score, " · score %.4f%s", h.score,
                  h.partial ? " (some words)" : "");
    out << score;
  }
  out << s.off << '\n';
}

// --explain: what each query word adds to the hit's score.
void print_contributions(std::ostream& out, const Hit& h, const Styles& s) {
  out << "   " << s.dim << "=";
  const char* sep = " ";
  for (const auto& [label, score] : h.contributions) {
    char part[48];
    std::snprintf(part, sizeof part, " %.4f", score);
    out << sep << label << part;
    sep = " + ";
  }
  out << s.off << '\n';
}

void print_hit(std::ostream& out, const Hit& h, bool explain, const Styles& s) {
  out << h.rank << ". " << s.title << h.title << s.off << '\n';
  print_hit_facts(out, h, explain, s);
  if (explain && !h.contributions.empty()) print_contributions(out, h, s);
  if (!h.snippet.text.empty())
    out << "   " << wrap_marks(h.snippet, s.match, s.off) << '\n';
  out << '\n';
}

// The last lines: which results of about how many, and a partial answer.
void print_footer(std::ostream& out, const SearchResult& r) {
  char took[64];
  std::snprintf(took, sizeof took, " (%.1f ms)", r.took_ms);
  if (r.hits.empty()) {
    out << "No results for \"" << r.query << "\"" << took << '\n';
  } else {
    out << "Results " << r.offset + 1 << "-" << r.offset + r.hits.size()
        << " of about " << r.total << took << '\n';
  }
  if (!r.unavailable.empty())
    out << "Partial answer: " << r.unavailable.size()
        << (r.unavailable.size() == 1 ? " database" : " databases")
        << " did not answer\n";
}

void print_text(std::ostream& out, const SearchResult& r,
                const PrintOptions& opts) {
  const Styles styles(opts.color);
  if (opts.explain) print_query_explained(out, r);
  if (r.suggestion) out << "Did you mean: " << *r.suggestion << "\n\n";
  for (const Hit& h : r.hits) print_hit(out, h, opts.explain, styles);
  print_footer(out, r);
}

}  // namespace

void print_result(std::ostream& out, const SearchResult& r,
                  const PrintOptions& opts) {
  switch (opts.format) {
    case Format::json:
    case Format::jsonl:
      out << result_json(r, opts.explain) << '\n';
      return;
    case Format::tsv:
      print_tsv(out, r);
      return;
    case Format::text:
      print_text(out, r, opts);
      return;
  }
}

}  // namespace bilex
