#include "common/snippet.h"

#include <algorithm>
#include <bitset>
#include <cctype>
#include <cmath>

#include "common/unicode.h"

namespace bilex {
namespace {

// The code points of s[begin, end).
size_t code_points(const std::string& s, size_t begin, size_t end) {
  return utf8_code_points(std::string_view(s).substr(begin, end - begin));
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// For each token, the index of the first group it matches, or -1.
std::vector<int> match_tokens(const Analyzer& analyzer,
                              const std::vector<Token>& tokens, Lang lang,
                              const std::vector<MatchGroup>& groups) {
  std::vector<int> match(tokens.size(), -1);
  const std::vector<Lang> langs = Analyzer::stem_languages(lang);
  for (size_t gi = 0; gi < groups.size(); ++gi) {
    const MatchGroup& g = groups[gi];
    if (!g.phrase.empty()) {
      // Mark phrase words only where the whole phrase occurs.
      std::vector<size_t> words;  // indexes of non-alternative tokens
      for (size_t i = 0; i < tokens.size(); ++i)
        if (!tokens[i].alternative) words.push_back(i);
      // Words that cannot match are left out of `tokens`: a phrase's words
      // are those of consecutive positions.
      for (size_t w = 0; w + g.phrase.size() <= words.size(); ++w) {
        bool ok = true;
        for (size_t k = 0; k < g.phrase.size() && ok; ++k)
          ok = tokens[words[w + k]].pos == tokens[words[w]].pos + k &&
               tokens[words[w + k]].term == g.phrase[k];
        if (!ok) continue;
        for (size_t k = 0; k < g.phrase.size(); ++k)
          if (match[words[w + k]] < 0)
            match[words[w + k]] = static_cast<int>(gi);
      }
      continue;
    }
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (match[i] >= 0) continue;
      const Token& t = tokens[i];
      if (contains(g.exact, t.term) ||
          (!g.prefix.empty() && t.term.starts_with(g.prefix)))
        match[i] = static_cast<int>(gi);
    }
  }
  // Stems: each token is stemmed once per language, and only when some
  // word group has stems in that language.
  for (Lang l : langs) {
    std::vector<std::pair<std::string_view, int>> targets;  // stem -> group
    for (size_t gi = 0; gi < groups.size(); ++gi) {
      if (!groups[gi].phrase.empty()) continue;
      for (const auto& [sl, stem] : groups[gi].stems)
        if (sl == l) targets.emplace_back(stem, static_cast<int>(gi));
    }
    if (targets.empty()) continue;
    // A Snowball stem only trims and rewrites the end of a word, so a token
    // can only match a stem that starts with its first byte: most tokens
    // need no stemming at all.
    // Nor is a stem longer than its word (folded, in bytes): the shortest
    // target of each first byte bounds the words worth stemming.
    size_t shortest[256];
    std::fill(std::begin(shortest), std::end(shortest), SIZE_MAX);
    for (const auto& [target, gi] : targets) {
      if (target.empty()) continue;
      size_t& m = shortest[static_cast<unsigned char>(target.front())];
      m = std::min(m, target.size());
    }
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (match[i] >= 0) continue;
      if (tokens[i].term.size() <
          shortest[static_cast<unsigned char>(tokens[i].term.front())])
        continue;
      const std::string stem = analyzer.stem(tokens[i], l);
      for (const auto& [target, gi] : targets) {
        if (target == stem) {
          match[i] = gi;
          break;
        }
      }
    }
  }
  return match;
}

// First bytes of every term a group can match: a token can only match a
// term (or a stem, or a prefix) that starts with its own first byte.
std::bitset<256> first_bytes(const std::vector<MatchGroup>& groups) {
  std::bitset<256> bytes;
  auto add = [&](std::string_view term) {
    if (!term.empty()) bytes.set(static_cast<unsigned char>(term.front()));
  };
  for (const MatchGroup& g : groups) {
    for (const auto& t : g.exact) add(t);
    for (const auto& t : g.phrase) add(t);
    for (const auto& [lang, stem] : g.stems) add(stem);
    add(g.prefix);
  }
  return bytes;
}

// The byte offset `chars` characters after (or, with `back`, before) the
// character boundary `at`, or the end of `s` that comes first.
size_t step_chars(const std::string& s, size_t at, size_t chars, bool back) {
  auto continuation = [&](size_t i) { return is_utf8_continuation(s[i]); };
  for (; chars > 0; --chars) {
    if (back) {
      if (at == 0) break;
      --at;
      while (at > 0 && continuation(at)) --at;
    } else {
      if (at >= s.size()) break;
      ++at;
      while (at < s.size() && continuation(at)) ++at;
    }
  }
  return at;
}

// The matched tokens of a text, in text order, with the character offsets
// of their starts and ends, so that a window's length costs no counting.
struct Hits {
  std::vector<size_t> token;  // index into the text's tokens
  std::vector<size_t> begin, end;
};

Hits find_hits(const std::string& body, const std::vector<Token>& words,
               const std::vector<int>& match) {
  Hits h;
  for (size_t i = 0; i < words.size(); ++i)
    if (match[i] >= 0) h.token.push_back(i);
  h.begin.resize(h.token.size());
  h.end.resize(h.token.size());
  size_t at = 0, chars = 0;
  auto chars_to = [&](size_t to) {
    if (to >= at) {
      chars += code_points(body, at, to);
    } else {
      chars -= code_points(body, to, at);
    }
    at = to;
    return chars;
  };
  for (size_t k = 0; k < h.token.size(); ++k) {
    h.begin[k] = chars_to(words[h.token[k]].begin);
    h.end[k] = chars_to(words[h.token[k]].end);
  }
  return h;
}

// The best window of hits (indexes into Hits, inclusive) within `budget`
// characters: most distinct groups, then the rarest ones (the most
// weight), then most matches, then shortest.
std::pair<size_t, size_t> best_window(const Hits& hits,
                                      const std::vector<int>& match,
                                      size_t n_groups,
                                      const std::vector<uint64_t>& weights,
                                      size_t budget) {
  size_t best_first = 0, best_last = 0;
  size_t best_groups = 0, best_count = 0, best_span = SIZE_MAX;
  uint64_t best_weight = 0;
  std::vector<size_t> seen_in(n_groups, SIZE_MAX);  // last window start
  for (size_t a = 0; a < hits.token.size(); ++a) {
    size_t distinct = 0;
    uint64_t weight = 0;
    for (size_t b = a; b < hits.token.size(); ++b) {
      const size_t span = hits.end[b] - hits.begin[a];
      if (span > budget && b > a) break;
      const auto g = static_cast<size_t>(match[hits.token[b]]);
      if (seen_in[g] != a) {
        seen_in[g] = a;
        ++distinct;
        weight += g < weights.size() ? weights[g] : 1;
      }
      const size_t count = b - a + 1;
      if (distinct > best_groups ||
          (distinct == best_groups &&
           (weight > best_weight ||
            (weight == best_weight &&
             (count > best_count ||
              (count == best_count && span < best_span)))))) {
        best_groups = distinct;
        best_weight = weight;
        best_count = count;
        best_span = span;
        best_first = a;
        best_last = b;
      }
    }
  }
  return {best_first, best_last};
}

// The tokens of the stretch a window can grow over, and the window's first
// and last matched tokens among them (indexes, inclusive).
struct Stretch {
  std::vector<Token> tokens;
  size_t first = 0, last = 0;
};

// The stretch around the window whose first and last matched words start at
// `first_at` and `last_at` (none when !matched): `left_room` characters to
// the left of the first, max_chars to the right of it.
Stretch stretch_tokens(const Analyzer& analyzer, const std::string& body,
                       bool matched, size_t first_at, size_t last_at,
                       size_t left_room, size_t max_chars) {
  const size_t anchor = matched ? first_at : 0;
  const size_t from = analyzer.cut_before(
      body, step_chars(body, anchor, left_room + 1, /*back=*/true));
  const size_t to = analyzer.cut_after(
      body, step_chars(body, anchor, std::min(max_chars, body.size()) + 1,
                       /*back=*/false));
  Stretch s;
  s.tokens = analyzer.tokenize(std::string_view(body).substr(from, to - from));
  for (Token& t : s.tokens) {
    t.begin += static_cast<uint32_t>(from);
    t.end += static_cast<uint32_t>(from);
  }
  // The first token that starts at `at`, or tokens.size().
  auto token_at = [&](size_t at) {
    const auto it =
        std::lower_bound(s.tokens.begin(), s.tokens.end(), at,
                         [](const Token& t, size_t b) { return t.begin < b; });
    return it != s.tokens.end() && it->begin == at
               ? static_cast<size_t>(it - s.tokens.begin())
               : s.tokens.size();
  };
  if (matched) {
    s.first = token_at(first_at);
    s.last = token_at(last_at);
  }
  if (s.tokens.empty() || s.first == s.tokens.size() ||
      s.last == s.tokens.size()) {
    // A stretch without words, or cut unexpectedly: the whole text.
    s.tokens = analyzer.tokenize(body);
    s.first = s.last = 0;
    if (matched) {
      s.first = token_at(first_at);
      s.last = token_at(last_at);
    }
  }
  return s;
}

// Grows the window token by token (up to `left_room` characters to the
// left) until it holds max_chars characters; its byte range [begin, end).
std::pair<size_t, size_t> grow_window(const std::string& body, Stretch& s,
                                      bool matched, size_t left_room,
                                      size_t max_chars) {
  const std::vector<Token>& tokens = s.tokens;
  size_t begin = tokens.empty() ? 0 : tokens[s.first].begin;
  size_t end = tokens.empty() ? step_chars(body, 0, max_chars, /*back=*/false)
                              : tokens[s.last].end;
  if (tokens.empty()) return {begin, end};
  size_t added = 0;
  while (s.first > 0) {
    const size_t add = code_points(body, tokens[s.first - 1].begin, begin);
    if (added + add > left_room) break;
    added += add;
    --s.first;
    begin = tokens[s.first].begin;
  }
  if (!matched) begin = 0;  // no match: the article's opening
  size_t length = code_points(body, begin, end);
  while (s.last + 1 < tokens.size()) {
    const size_t next_end = tokens[s.last + 1].end;
    const size_t grown = next_end >= end
                             ? length + code_points(body, end, next_end)
                             : code_points(body, begin, next_end);
    if (grown > max_chars) break;
    ++s.last;
    end = next_end;
    length = grown;
  }
  // Take trailing punctuation up to the next space ("border." not "border").
  while (end < body.size() && length < max_chars &&
         static_cast<unsigned char>(body[end]) < 0x80 &&
         std::ispunct(static_cast<unsigned char>(body[end]))) {
    ++end;
    ++length;
  }
  return {begin, end};
}

// Copies body[begin, end) into out->text collapsing whitespace, with `…`
// at the cuts, and marks the tokens that start at one of `marked_at`.
void copy_window(const std::string& body, const std::vector<Token>& tokens,
                 size_t begin, size_t end,
                 const std::vector<uint32_t>& marked_at, Snippet* out) {
  if (begin > 0) out->text = "\u2026";
  size_t ti = 0;
  while (ti < tokens.size() && tokens[ti].begin < begin) ++ti;
  bool in_space = false;
  for (size_t i = begin; i < end;) {
    if (ti < tokens.size() && tokens[ti].begin == i && tokens[ti].end <= end) {
      // Copy the whole token; mark it if matched (or an alternative of it).
      const size_t tb = tokens[ti].begin, te = tokens[ti].end;
      const bool marked =
          std::binary_search(marked_at.begin(), marked_at.end(), tb);
      while (ti < tokens.size() && tokens[ti].begin == tb) ++ti;
      const size_t at = out->text.size();
      out->text.append(body, tb, te - tb);
      if (marked) out->marks.emplace_back(at, out->text.size());
      i = te;
      in_space = false;
      continue;
    }
    const char c = body[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!in_space) out->text.push_back(' ');
      in_space = true;
    } else {
      out->text.push_back(c);
      in_space = false;
    }
    ++i;
  }
  while (!out->text.empty() && out->text.back() == ' ') out->text.pop_back();
  if (end < body.size()) out->text += "\u2026";
}

}  // namespace

Snippet make_snippet(const Analyzer& analyzer, const std::string& body,
                     Lang lang, const std::vector<MatchGroup>& groups,
                     size_t max_chars, const std::vector<uint64_t>& weights) {
  Snippet out;
  if (body.empty() || max_chars == 0) return out;
  // The words that can match (no others are built), and which do.
  const std::bitset<256> wanted = first_bytes(groups);
  const std::vector<Token> words = analyzer.tokenize(body, &wanted);
  const std::vector<int> match = match_tokens(analyzer, words, lang, groups);
  const Hits hits = find_hits(body, words, match);
  const bool matched = !hits.token.empty();
  const auto [best_first, best_last] =
      best_window(hits, match, groups.size(), weights, max_chars * 4 / 5);
  // A third of the room left by the window goes to its left.
  const size_t used =
      matched ? hits.end[best_last] - hits.begin[best_first] : 0;
  const size_t left_room =
      matched ? (max_chars - std::min(used, max_chars)) / 3 : 0;
  const size_t first_at = matched ? words[hits.token[best_first]].begin : 0;
  const size_t last_at = matched ? words[hits.token[best_last]].begin : 0;
  Stretch stretch = stretch_tokens(analyzer, body, matched, first_at, last_at,
                                   left_room, max_chars);
  // Starts of the matched words, for marking them.
  std::vector<uint32_t> marked_at;
  for (size_t h : hits.token) marked_at.push_back(words[h].begin);
  const auto [begin, end] =
      grow_window(body, stretch, matched, left_room, max_chars);
  copy_window(body, stretch.tokens, begin, end, marked_at, &out);
  return out;
}

std::vector<uint64_t> group_weights(
    const std::vector<MatchGroup>& groups, uint64_t doccount,
    const std::function<uint64_t(const std::string&)>& termfreq) {
  std::vector<uint64_t> out;
  out.reserve(groups.size());
  for (const MatchGroup& g : groups) {
    if (!g.prefix.empty()) {
      out.push_back(0);
      continue;
    }
    uint64_t df = g.phrase.empty() ? word_termfreq(g, termfreq) : UINT64_MAX;
    for (const std::string& t : g.phrase) df = std::min(df, termfreq(t));
    const double idf = std::log2((static_cast<double>(doccount) + 1) /
                                 (static_cast<double>(df) + 0.5));
    out.push_back(
        static_cast<uint64_t>(std::lround(std::max(idf, 0.0) * 1000)));
  }
  return out;
}

}  // namespace bilex
