// Renders search results: text for people, JSON / JSON Lines / TSV for
// scripts. Knows nothing of the index.
#pragma once

#include <ostream>
#include <string>

#include "searcher/searcher.h"

namespace bilex {

enum class Format { text, json, jsonl, tsv };

struct PrintOptions {
  Format format = Format::text;
  bool color = false;    // ANSI bold colour for matches and titles (text)
  bool explain = false;  // show the parsed query and each hit's score
};

// The snippet as HTML-escaped text with each match inside <mark>…</mark>.
[[nodiscard]] std::string snippet_html(const Snippet& s);

// The JSON object of one result (docs/formats.md), on one line.
[[nodiscard]] std::string result_json(const SearchResult& r, bool explain);

void print_result(std::ostream& out, const SearchResult& r,
                  const PrintOptions& opts);

}  // namespace bilex
