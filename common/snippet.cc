#include "common/snippet.h"

#include <algorithm>
#include <cctype>

namespace bilex {
namespace {

size_t code_points(const std::string& s, size_t begin, size_t end) {
  size_t n = 0;
  for (size_t i = begin; i < end; ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) ++n;
  return n;
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
      for (size_t w = 0; w + g.phrase.size() <= words.size(); ++w) {
        bool ok = true;
        for (size_t k = 0; k < g.phrase.size() && ok; ++k)
          ok = tokens[words[w + k]].term == g.phrase[k];
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
    bool first_byte[256] = {};
    for (const auto& [target, gi] : targets)
      if (!target.empty())
        first_byte[static_cast<unsigned char>(target.front())] = true;
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (match[i] >= 0) continue;
      if (!first_byte[static_cast<unsigned char>(tokens[i].term.front())])
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

}  // namespace

Snippet make_snippet(const Analyzer& analyzer, const std::string& body,
                     Lang lang, const std::vector<MatchGroup>& groups,
                     size_t max_chars) {
  Snippet out;
  if (body.empty() || max_chars == 0) return out;
  const std::vector<Token> tokens = analyzer.tokenize(body);
  const std::vector<int> match = match_tokens(analyzer, tokens, lang, groups);

  // Matched tokens in text order (an alternative marks its whole word).
  std::vector<size_t> hits;
  for (size_t i = 0; i < tokens.size(); ++i)
    if (match[i] >= 0) hits.push_back(i);

  // Best window: most distinct groups, then most matches, then shortest.
  size_t best_first = 0, best_last = 0;
  size_t best_groups = 0, best_count = 0, best_span = SIZE_MAX;
  const size_t budget = max_chars * 4 / 5;
  for (size_t a = 0; a < hits.size(); ++a) {
    std::vector<int> seen;
    for (size_t b = a; b < hits.size(); ++b) {
      const size_t span =
          code_points(body, tokens[hits[a]].begin, tokens[hits[b]].end);
      if (span > budget && b > a) break;
      if (std::find(seen.begin(), seen.end(), match[hits[b]]) == seen.end())
        seen.push_back(match[hits[b]]);
      const size_t count = b - a + 1;
      if (seen.size() > best_groups ||
          (seen.size() == best_groups &&
           (count > best_count || (count == best_count && span < best_span)))) {
        best_groups = seen.size();
        best_count = count;
        best_span = span;
        best_first = a;
        best_last = b;
      }
    }
  }

  // Grow the window token by token (a third of the room to the left) until
  // it holds max_chars characters.
  size_t first = 0, last = 0;  // token indexes, inclusive
  if (!hits.empty()) {
    first = hits[best_first];
    last = hits[best_last];
  }
  if (tokens.empty()) {
    first = last = 0;
  }
  size_t begin = tokens.empty() ? 0 : tokens[first].begin;
  size_t end =
      tokens.empty() ? std::min(body.size(), max_chars) : tokens[last].end;
  if (!tokens.empty()) {
    const size_t used = code_points(body, begin, end);
    const size_t left_room =
        hits.empty() ? 0 : (max_chars - std::min(used, max_chars)) / 3;
    size_t added = 0;
    while (first > 0) {
      const size_t add = code_points(body, tokens[first - 1].begin, begin);
      if (added + add > left_room) break;
      added += add;
      --first;
      begin = tokens[first].begin;
    }
    if (hits.empty()) begin = 0;  // no match: the article's opening
    while (last + 1 < tokens.size() &&
           code_points(body, begin, tokens[last + 1].end) <= max_chars) {
      ++last;
      end = tokens[last].end;
    }
    // Take trailing punctuation up to the next space ("border." not "border").
    size_t length = code_points(body, begin, end);
    while (end < body.size() && length < max_chars &&
           static_cast<unsigned char>(body[end]) < 0x80 &&
           std::ispunct(static_cast<unsigned char>(body[end]))) {
      ++end;
      ++length;
    }
  }

  // Copy [begin, end) collapsing whitespace, and map the marks.
  const bool cut_left = begin > 0;
  const bool cut_right = end < body.size();
  if (cut_left) out.text = "\u2026";
  size_t ti = 0;
  while (ti < tokens.size() && tokens[ti].begin < begin) ++ti;
  bool in_space = false;
  for (size_t i = begin; i < end;) {
    if (ti < tokens.size() && tokens[ti].begin == i && tokens[ti].end <= end) {
      // Copy the whole token; mark it if matched (or an alternative of it).
      const size_t tb = tokens[ti].begin, te = tokens[ti].end;
      bool marked = false;
      for (size_t k = ti; k < tokens.size() && tokens[k].begin == tb; ++k)
        marked = marked || match[k] >= 0;
      while (ti < tokens.size() && tokens[ti].begin == tb) ++ti;
      const size_t at = out.text.size();
      out.text.append(body, tb, te - tb);
      if (marked) out.marks.emplace_back(at, out.text.size());
      i = te;
      in_space = false;
      continue;
    }
    const char c = body[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!in_space) out.text.push_back(' ');
      in_space = true;
    } else {
      out.text.push_back(c);
      in_space = false;
    }
    ++i;
  }
  while (!out.text.empty() && out.text.back() == ' ') out.text.pop_back();
  if (cut_right) out.text += "\u2026";
  return out;
}

}  // namespace bilex
