#include "common/query.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <iterator>

#include "common/date.h"
#include "common/error.h"
#include "common/lexicon.h"
#include "common/schema.h"

namespace bilex {
namespace {

struct Lexeme {
  enum Kind { word, phrase, lparen, rparen, op_or, op_and, op_not } kind;
  std::string text;
  std::string field;  // "title", "lang", "date" or empty
  bool negated = false;
  bool star = false;
  // The tokens of `text`, for words and phrases: read by both of
  // parse_query's passes.
  std::vector<Token> tokens = {};
};

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)); }

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), ::tolower);
  return out;
}

bool known_field(std::string_view f) {
  return f == "title" || f == "lang" || f == "date";
}

std::vector<Lexeme> lex(std::string_view s) {
  std::vector<Lexeme> out;
  size_t i = 0;
  bool negate_next = false;
  std::string field_next;
  while (i < s.size()) {
    const char c = s[i];
    if (is_space(c)) {
      ++i;
      negate_next = false;
      field_next.clear();
      continue;
    }
    if (c == '(' || c == ')') {
      out.push_back({c == '(' ? Lexeme::lparen : Lexeme::rparen, "",
                     c == '(' ? field_next : "", negate_next, false});
      negate_next = false;
      field_next.clear();
      ++i;
      continue;
    }
    if (c == '"') {
      size_t close = s.find('"', i + 1);
      if (close == std::string_view::npos) close = s.size();
      out.push_back({Lexeme::phrase,
                     std::string(s.substr(i + 1, close - i - 1)), field_next,
                     negate_next, false});
      negate_next = false;
      field_next.clear();
      i = close + 1;
      continue;
    }
    size_t j = i;
    while (j < s.size() && !is_space(s[j]) && s[j] != '(' && s[j] != ')' &&
           s[j] != '"')
      ++j;
    std::string_view chunk = s.substr(i, j - i);
    i = j;
    if (chunk == "OR" || chunk == "|") {
      out.push_back({Lexeme::op_or, "", "", false, false});
      continue;
    }
    if (chunk == "AND" || chunk == "&") {
      out.push_back({Lexeme::op_and, "", "", false, false});
      continue;
    }
    if (chunk == "NOT") {
      out.push_back({Lexeme::op_not, "", "", false, false});
      continue;
    }
    while (!chunk.empty() && (chunk.front() == '-' || chunk.front() == '+')) {
      if (chunk.front() == '-') negate_next = true;
      chunk.remove_prefix(1);
    }
    if (chunk.empty()) continue;  // -"a phrase" or -(a group)
    if (const size_t colon = chunk.find(':'); colon != std::string_view::npos) {
      const std::string f = lower_ascii(chunk.substr(0, colon));
      if (known_field(f)) {
        field_next = f;
        chunk.remove_prefix(colon + 1);
        if (chunk.empty()) continue;  // title:"a phrase" or title:(...)
      }
    }
    Lexeme lx{Lexeme::word, std::string(chunk), field_next, negate_next, false};
    while (!lx.text.empty() && lx.text.back() == '*') {
      lx.text.pop_back();
      lx.star = true;
    }
    negate_next = false;
    field_next.clear();
    if (!lx.text.empty() || !lx.field.empty()) out.push_back(std::move(lx));
  }
  return out;
}

// YYYY, YYYY-MM or YYYY-MM-DD -> "YYYYMMDD" at the start (or end) of the
// period it names.
std::string date_bound(std::string_view s, bool upper) {
  const std::string in(s);
  auto bad = [&] {
    return QueryError("invalid date in date: \"" + in +
                      "\" (expected YYYY-MM-DD..YYYY-MM-DD)");
  };
  auto digits = [](std::string_view d) {
    return !d.empty() && std::all_of(d.begin(), d.end(), ::isdigit);
  };
  if (s.size() == 4 && digits(s)) return in + (upper ? "1231" : "0101");
  if (s.size() == 7 && s[4] == '-' && digits(s.substr(0, 4)) &&
      digits(s.substr(5, 2))) {
    const int m = std::stoi(std::string(s.substr(5, 2)));
    if (m < 1 || m > 12) throw bad();
    return std::string(s.substr(0, 4)) + std::string(s.substr(5, 2)) +
           (upper ? "31" : "01");
  }
  if (auto d = parse_iso_date(s); d && s.size() == 10)
    return schema::date_key(*d);
  throw bad();
}

// The weight of a word's exact form beside its stems (docs/ranking.md,
// experiment 5).
constexpr double kExactWeight = 0.3;

// The weight of a word's stems in the other language than the query's,
// when the query's function words tell its language (docs/ranking.md,
// experiment 10): cognates ("defense", "defensa") then rank the query's
// own language first without losing the other's articles.
constexpr double kOtherLanguageWeight = 0.5;

struct Part {
  Xapian::Query query;
  bool negative = false;
  bool filter = false;
  bool stopword = false;  // a word that is a stopword in both languages
  bool word = false;      // one word: its spellings and stems OR-ed
  std::string label;      // a word as typed
};

class Parser {
 public:
  Parser(std::vector<Lexeme> lexemes, const Analyzer& analyzer,
         const Xapian::Database* db, MatchMode mode, ParsedQuery* out,
         const Lexicon* lexicon = nullptr, const TermStats* stats = nullptr)
      : lx_(std::move(lexemes)),
        analyzer_(analyzer),
        db_(db),
        stats_(stats),
        mode_(mode),
        out_(out),
        lexicon_(lexicon && lexicon->available() ? lexicon : nullptr) {}

  // The language of the query, told by its words: words that are a
  // stopword in one language only ("the", "of"; "los", "del") and, with a
  // lexicon, words that one language's analyser reads and the other's does
  // not ("border"; "frontera"), of the wanted words and phrases of the text
  // (not under NOT or -, not lang: or date: values). At least two of one
  // language and three times as many as of the other; else und, as for
  // "Blinken frontera" or "hospital", which stay bilingual. Parses without
  // building queries; run() after it on another Parser builds them.
  Lang vote_language() {
    voting_ = true;
    run();
    if (votes_en_ >= 2 && votes_en_ >= 3 * votes_es_) return Lang::en;
    if (votes_es_ >= 2 && votes_es_ >= 3 * votes_en_) return Lang::es;
    return Lang::und;
  }

  // The lexemes, after vote_language(), for the parse that builds queries.
  std::vector<Lexeme> take_lexemes() { return std::move(lx_); }

  void run() {
    Part top = parse_or(/*top=*/true);
    // Anything left is stray closing parentheses: parse what follows too.
    while (i_ < lx_.size()) {
      ++i_;
      Part more = parse_or(true);
      top = combine_and({top, more}, false);
    }
    if (top.negative) {
      out_->strict =
          Xapian::Query(Xapian::Query::OP_AND_NOT, match_all(), top.query);
    } else if (top.filter) {
      out_->filter = top.query;
      out_->strict = match_all();
    } else {
      out_->strict = top.query;
    }
    if (!top_filter_.empty()) {
      out_->filter =
          out_->filter.empty()
              ? top_filter_
              : Xapian::Query(Xapian::Query::OP_AND, out_->filter, top_filter_);
    }
  }

 private:
  bool at(Lexeme::Kind k) const { return i_ < lx_.size() && lx_[i_].kind == k; }

  Part parse_or(bool top) {
    std::vector<Part> alternatives{parse_and(top)};
    while (at(Lexeme::op_or)) {
      ++i_;
      alternatives.push_back(parse_and(false));
    }
    if (alternatives.size() == 1) return alternatives[0];
    if (top) relaxed_possible_ = false;
    std::vector<Xapian::Query> qs;
    for (const Part& p : alternatives)
      if (!p.query.empty() && !p.negative && !p.filter) qs.push_back(p.query);
    Part p;
    p.query = Xapian::Query(Xapian::Query::OP_OR, qs.begin(), qs.end());
    return p;
  }

  Part parse_and(bool top) {
    std::vector<Part> parts;
    bool explicit_and = false;
    while (i_ < lx_.size() && !at(Lexeme::op_or) && !at(Lexeme::rparen)) {
      if (at(Lexeme::op_and)) {
        explicit_and = true;
        ++i_;
        continue;
      }
      Part p = parse_unary();
      if (!p.query.empty()) parts.push_back(std::move(p));
    }
    if (parts.size() == 1) return parts[0];
    return combine_and(parts, top && !explicit_and);
  }

  // The some-words query of the top level's parts `pos`, and, when every
  // part is a plain word and nothing is excluded, the words one by one.
  void set_relaxed(const std::vector<Xapian::Query>& pos,
                   const std::vector<const Part*>& pos_parts,
                   bool nothing_excluded) {
    relaxed_ = Xapian::Query(Xapian::Query::OP_OR, pos.begin(), pos.end());
    relaxed_words_.clear();
    if (!nothing_excluded ||
        !std::all_of(pos_parts.begin(), pos_parts.end(),
                     [](const Part* p) { return p->word; }))
      return;
    for (const Part* p : pos_parts) {
      ParsedQuery::Word w{
          p->label,
          {p->query.get_unique_terms_begin(), p->query.get_unique_terms_end()}};
      // A repeated word counts once.
      if (std::none_of(relaxed_words_.begin(), relaxed_words_.end(),
                       [&](const auto& o) { return o.terms == w.terms; }))
        relaxed_words_.push_back(std::move(w));
    }
  }

  // The parts of an AND by kind; stopwords stand for the positive words
  // only when the query has nothing else ("the who").
  struct AndParts {
    std::vector<Xapian::Query> pos, neg, filters;
    std::vector<const Part*> pos_parts;
  };
  static AndParts sort_and_parts(const std::vector<Part>& parts) {
    AndParts a;
    std::vector<Xapian::Query> stops;
    std::vector<const Part*> stop_parts;
    for (const Part& p : parts) {
      if (p.query.empty()) continue;
      if (p.negative) {
        a.neg.push_back(p.query);
      } else if (p.filter) {
        a.filters.push_back(p.query);
      } else if (p.stopword) {
        stops.push_back(p.query);
        stop_parts.push_back(&p);
      } else {
        a.pos.push_back(p.query);
        a.pos_parts.push_back(&p);
      }
    }
    if (a.pos.empty()) {
      a.pos = std::move(stops);
      a.pos_parts = std::move(stop_parts);
    }
    return a;
  }

  // Q less the documents that match any of NEG.
  static Xapian::Query and_not(Xapian::Query q,
                               const std::vector<Xapian::Query>& neg) {
    if (neg.empty()) return q;
    return Xapian::Query(
        Xapian::Query::OP_AND_NOT, q,
        Xapian::Query(Xapian::Query::OP_OR, neg.begin(), neg.end()));
  }

  // An AND without positive words: its filters less its negatives, or its
  // negatives alone (a part to subtract), or nothing.
  static Part without_positives(const AndParts& a) {
    Part out;
    if (!a.filters.empty()) {
      out.query = and_not(Xapian::Query(Xapian::Query::OP_AND,
                                        a.filters.begin(), a.filters.end()),
                          a.neg);
      out.filter = true;
    } else if (!a.neg.empty()) {
      out.query =
          Xapian::Query(Xapian::Query::OP_OR, a.neg.begin(), a.neg.end());
      out.negative = true;
    }
    return out;
  }

  Part combine_and(const std::vector<Part>& parts, bool top_implicit) {
    const AndParts a = sort_and_parts(parts);
    if (a.pos.empty()) return without_positives(a);
    const bool any = mode_ == MatchMode::any && top_implicit;
    Part out;
    out.query =
        Xapian::Query(any ? Xapian::Query::OP_OR : Xapian::Query::OP_AND,
                      a.pos.begin(), a.pos.end());
    if (top_implicit && mode_ == MatchMode::ranked && a.pos.size() > 1)
      set_relaxed(a.pos, a.pos_parts, a.neg.empty());
    out.query = and_not(out.query, a.neg);
    if (!relaxed_.empty() && !a.neg.empty()) {
      relaxed_ = and_not(relaxed_, a.neg);
      relaxed_words_.clear();
    }
    if (!a.filters.empty()) {
      const Xapian::Query f(Xapian::Query::OP_AND, a.filters.begin(),
                            a.filters.end());
      if (top_implicit) {
        top_filter_ = f;
      } else {
        out.query = Xapian::Query(Xapian::Query::OP_FILTER, out.query, f);
      }
    }
    return out;
  }

  Part parse_unary() {
    // Hostile nesting ("((((…" or "NOT NOT NOT …") is read flat beyond a
    // sane depth instead of exhausting the stack.
    if (depth_ >= kMaxDepth && (at(Lexeme::op_not) || at(Lexeme::lparen))) {
      ++i_;
      return {};
    }
    ++depth_;
    Part p = parse_unary_inner();
    --depth_;
    return p;
  }

  Part parse_unary_inner() {
    if (at(Lexeme::op_not)) {
      ++i_;
      if (i_ >= lx_.size()) return {};
      ++negated_;
      Part p = parse_unary();
      --negated_;
      p.negative = !p.negative;
      return p;
    }
    if (at(Lexeme::lparen)) {
      const bool negated = lx_[i_].negated;
      const std::string saved = group_field_;
      if (!lx_[i_].field.empty()) group_field_ = lx_[i_].field;
      ++i_;
      if (negated) ++negated_;
      Part p = parse_or(false);
      if (negated) --negated_;
      group_field_ = saved;
      if (at(Lexeme::rparen)) ++i_;
      if (negated) p.negative = !p.negative;
      return p;
    }
    if (at(Lexeme::rparen)) {  // unreachable from parse_and; be safe
      ++i_;
      return {};
    }
    // In place: the language vote's pass and the query's see the same.
    Lexeme& l = lx_[i_++];
    if (l.field.empty()) l.field = group_field_;
    Part p = l.kind == Lexeme::phrase ? phrase(l) : word(l);
    if (l.negated) p.negative = true;
    return p;
  }

  // Whether a word being parsed is wanted (not under NOT or -): only wanted
  // words are highlighted.
  bool wanted(const Lexeme& l) const { return !l.negated && negated_ == 0; }

  // In vote_language(): counts the function words of a word or phrase and
  // stands for it in the parse.
  Part vote(const Lexeme& l, const std::vector<Token>& tokens) {
    if (wanted(l) && (l.field.empty() || l.field == "title")) {
      for (const Token& t : tokens) {
        if (t.alternative || t.keep) continue;
        const Lang lang = word_vote(t.term);
        votes_en_ += lang == Lang::en;
        votes_es_ += lang == Lang::es;
      }
    }
    Part p;
    p.query = match_all();
    p.word = true;
    p.label = l.text;
    return p;
  }

  // The language a word tells: a stopword of one language only tells it;
  // a content word, the language whose analyser alone reads it ("border",
  // "frontera"; not "hospital", nor most names).
  Lang word_vote(const std::string& term) const {
    const bool en = analyzer_.is_stopword(term, Lang::en);
    const bool es = analyzer_.is_stopword(term, Lang::es);
    if (en != es) return en ? Lang::en : Lang::es;
    if (en || !lexicon_) return Lang::und;
    return lexicon_->word_language(term);
  }

  // A lang: or date: group: a filter.
  Part field_filter(const Lexeme& l) const {
    Part p;
    p.filter = true;
    if (l.field == "lang") {
      const auto lang = parse_lang(l.text);
      if (!lang)
        throw QueryError("unknown language in lang:" + l.text +
                         " (expected en, es or und)");
      p.query = Xapian::Query(std::string(schema::kLang) +
                              std::string(lang_code(*lang)));
      return p;
    }
    const size_t dots = l.text.find("..");
    const std::string from =
        dots == std::string::npos ? l.text : l.text.substr(0, dots);
    const std::string to =
        dots == std::string::npos ? l.text : l.text.substr(dots + 2);
    p.query = date_range(from.empty() ? "" : date_bound(from, false),
                         to.empty() ? "" : date_bound(to, true));
    return p;
  }

  // Adds to *alternatives what token `t` of a word matches (its exact form,
  // its stems per language) and records them in `g`. Returns whether it has
  // stems (is not a stopword of both languages).
  bool token_alternatives(const Token& t, Field field, MatchGroup* g,
                          std::vector<Xapian::Query>* alternatives) const {
    const WordTerms wt = analyzer_.query_terms(t, field, db_);
    g->exact.push_back(t.term);
    if (wt.stems.empty()) {
      alternatives->emplace_back(wt.exact);
      return false;
    }
    // The exact form scores on top of its stem, so that "comunicacion"
    // ranks comunicación above comunidad (both stem to "comun"), with a
    // fraction of its weight: the stem carries the word.
    alternatives->emplace_back(Xapian::Query::OP_SCALE_WEIGHT,
                               Xapian::Query(wt.exact), kExactWeight);
    for (const StemTerms& st : wt.stems) {
      const bool other = out_->lang != Lang::und && st.lang != out_->lang;
      // A function word of the query's language is not searched as a
      // word of the other ("the" in English articles labelled Spanish).
      // It stays a word of the query, matched by its exact form alone
      // (unlike a stopword of both languages, left out of longer queries:
      // docs/ranking.md, experiment 4).
      if (other && !t.keep && analyzer_.is_stopword(t.term, out_->lang))
        continue;
      const size_t strip = Analyzer::stem_prefix(field, st.lang).size();
      for (const std::string& term : st.terms)
        g->stems.emplace_back(st.lang, term.substr(strip));
      Xapian::Query stems(Xapian::Query::OP_SYNONYM, st.terms.begin(),
                          st.terms.end());
      if (other)
        stems = Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, stems,
                              kOtherLanguageWeight);
      alternatives->push_back(std::move(stems));
    }
    return true;
  }

  Part word(const Lexeme& l) {
    if (l.field == "lang" || l.field == "date") return field_filter(l);
    Part p;
    const Field field = l.field == "title" ? Field::title : Field::body;
    const std::vector<Token>& tokens = l.tokens;
    const size_t words = count_words(tokens);
    if (tokens.empty()) return p;
    if (voting_) return vote(l, tokens);
    if (words > 1 && !l.star)
      return phrase_of(tokens, field, l.text, !wanted(l));
    MatchGroup g;
    g.label = l.text;
    if (l.star) {
      const Token& last = tokens.back();
      g.prefix = last.term;
      p.query = Xapian::Query(Xapian::Query::OP_WILDCARD,
                              Analyzer::exact_prefix(field) + last.term, 200,
                              Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
      g.query = p.query;
      if (wanted(l)) out_->groups.push_back(std::move(g));
      return p;
    }
    std::vector<Xapian::Query> alternatives;
    bool all_stop = true;
    for (const Token& t : tokens)
      if (token_alternatives(t, field, &g, &alternatives)) all_stop = false;
    if (!all_stop) {
      std::vector<Token> words;
      std::copy_if(tokens.begin(), tokens.end(), std::back_inserter(words),
                   [](const Token& t) { return !t.alternative; });
      bridge(words, field, &g, &alternatives);
    }
    p.query = Xapian::Query(Xapian::Query::OP_OR, alternatives.begin(),
                            alternatives.end());
    p.stopword = all_stop;
    p.word = true;
    p.label = g.label;
    g.query = p.query;
    if (wanted(l)) out_->groups.push_back(std::move(g));
    return p;
  }

  // The languages the query's words are bridged from: the query's, or
  // both when its words do not tell it.
  std::vector<Lang> bridge_sources() const {
    if (out_->lang == Lang::und) return {Lang::en, Lang::es};
    return {out_->lang};
  }

  // The dictionary keys of `words` in `from`: their stems, space-separated,
  // from the words as written and without their accents.
  std::vector<std::string> bridge_keys(const std::vector<Token>& words,
                                       Lang from) const {
    std::string key, plain_key;
    for (const Token& t : words) {
      Token plain = t;
      plain.accented.clear();
      if (!key.empty()) key += ' ', plain_key += ' ';
      key += analyzer_.stem(t, from);
      plain_key += analyzer_.stem(plain, from);
    }
    if (plain_key == key) return {key};
    return {key, plain_key};
  }

  // Adds to `alternatives` the translations of `words` (one word, or a
  // phrase's) out of each bridged language, and records them in `g`.
  void bridge(const std::vector<Token>& words, Field field, MatchGroup* g,
              std::vector<Xapian::Query>* alternatives) {
    if (!lexicon_ || words.empty()) return;
    const Token& t = words.front();
    // A word of one language only is not translated out of the other:
    // "border" is no Spanish word, but stems as "bordar" does. (A phrase's
    // own entry is evidence enough: "cul de sac".)
    const Lang only =
        words.size() == 1 ? lexicon_->word_language(t.term) : Lang::und;
    for (Lang from : bridge_sources()) {
      if (words.size() == 1 && !t.keep && analyzer_.is_stopword(t.term, from))
        continue;
      const Lang to = from == Lang::en ? Lang::es : Lang::en;
      if (only == to) continue;
      // keys.front(): the stems of `words` as written.
      const std::vector<std::string> keys = bridge_keys(words, from);
      std::vector<Translation> trs;
      for (const std::string& key : keys)
        for (const Translation& tr : lexicon_->translate(from, key))
          trs.push_back(tr);
      if (words.size() == 1)
        drop_other_words(t.term, keys.front().size(), &trs);
      std::vector<Xapian::Query> qs;
      const size_t first = g->bridged.size();
      for (const Translation& tr : trs)
        if (qs.size() < kMaxTranslations)
          add_translation(tr, to, field, g, &qs);
      if (qs.empty()) continue;
      const double weight = bridge_weight(*g, from, field, first);
      for (size_t i = first; i < g->bridged.size(); ++i)
        g->bridged[i].weight = weight;
      alternatives->emplace_back(
          Xapian::Query::OP_SCALE_WEIGHT,
          Xapian::Query(Xapian::Query::OP_SYNONYM, qs.begin(), qs.end()),
          weight);
    }
  }

  // Whether `term` is `source` itself or its plural ("puertas", "relojes").
  static bool is_form_of(std::string_view term, std::string_view source) {
    if (source.empty() || !term.starts_with(source)) return false;
    const std::string_view ending = term.substr(source.size());
    return ending.empty() || ending == "s" || ending == "es";
  }

  // When `term` is one of the Spanish words its translations translate,
  // drops those of the words that share no letter with it beyond its stem
  // (of `stem_size` bytes): Spanish stems drop the vowel that tells nouns
  // apart ("puertas" stems as puerto does, "deportaciones" as deporte,
  // "salud" as saludo), while a word's own family shares more ("partido",
  // partida: game). Translations without a source (verbs) stay; an
  // English word's have none: its stem's words are mostly one family
  // ("elections", "elect"; docs/ranking.md, experiment 16).
  static void drop_other_words(std::string_view term, size_t stem_size,
                               std::vector<Translation>* trs) {
    auto own = [term](const Translation& tr) {
      return is_form_of(term, tr.source);
    };
    if (std::none_of(trs->begin(), trs->end(), own)) return;
    std::erase_if(*trs, [&](const Translation& tr) {
      const auto mismatch = std::mismatch(term.begin(), term.end(),
                                          tr.source.begin(), tr.source.end());
      const auto common = static_cast<size_t>(mismatch.first - term.begin());
      return !tr.source.empty() && !own(tr) && common <= stem_size;
    });
  }

  // The weight of the translations g->bridged[first..]: kBridgeWeight,
  // lowered when they are rarer in the index than the word's own stems in
  // `from`, so that a translation never outweighs the word itself (BM25
  // weighs a rare term more): at most kBridgeWeight of the word's weight.
  double bridge_weight(const MatchGroup& g, Lang from, Field field,
                       size_t first) const {
    if (!db_ && !stats_) return kBridgeWeight;
    Xapian::doccount own = 0, translated = 0;
    for (const auto& [lang, stem] : g.stems)
      if (lang == from)
        own =
            std::max(own, termfreq(Analyzer::stem_prefix(field, lang) + stem));
    for (size_t i = first; i < g.bridged.size(); ++i)
      for (const std::string& term : g.bridged[i].terms)
        translated = std::max(translated, termfreq(term));
    if (own == 0 || translated == 0) return kBridgeWeight;
    const double n = stats_ ? stats_->doccount : db_->get_doccount();
    // BM25's inverse document frequency, as Xapian computes it.
    auto idf = [n](double df) {
      double r = (n - df + 0.5) / (df + 0.5);
      if (r < 2) r = r * 0.5 + 1;
      return std::log(r);
    };
    return kBridgeWeight * std::min(1.0, idf(own) / idf(translated));
  }

  Xapian::doccount termfreq(const std::string& term) const {
    return stats_ ? stats_->termfreq(term) : db_->get_termfreq(term);
  }

  // One translation into `to`: its query (added to `qs`) and its record in
  // `g`, unless the word or another translation already searches it.
  void add_translation(const Translation& tr, Lang to, Field field,
                       MatchGroup* g, std::vector<Xapian::Query>* qs) {
    BridgedWord b{to, std::string(tr.text), {}, kBridgeWeight};
    if (!tr.stem.empty()) {
      const std::pair<Lang, std::string> stem{to, std::string(tr.stem)};
      if (std::find(g->stems.begin(), g->stems.end(), stem) != g->stems.end())
        return;
      g->stems.push_back(stem);
      b.terms.push_back(Analyzer::stem_prefix(field, to) + stem.second);
      qs->emplace_back(b.terms.back());
    } else {
      for (const Token& w : analyzer_.tokenize(tr.text))
        if (!w.alternative)
          b.terms.push_back(Analyzer::exact_prefix(field) + w.term);
      if (b.terms.size() < 2) return;
      for (const BridgedWord& o : g->bridged)
        if (o.terms == b.terms) return;
      qs->emplace_back(Xapian::Query::OP_PHRASE, b.terms.begin(), b.terms.end(),
                       b.terms.size());
    }
    g->bridged.push_back(std::move(b));
  }

  Part phrase(const Lexeme& l) {
    const Field field = l.field == "title" ? Field::title : Field::body;
    const std::vector<Token>& tokens = l.tokens;
    count_words(tokens);
    if (voting_) return vote(l, tokens);
    return phrase_of(tokens, field, l.text, !wanted(l));
  }

  // Adds the words of `tokens` (alternatives are not words) to the query's
  // count, refusing a query over the limit; returns their number.
  size_t count_words(const std::vector<Token>& tokens) {
    const auto n = static_cast<size_t>(
        std::count_if(tokens.begin(), tokens.end(),
                      [](const Token& t) { return !t.alternative; }));
    words_ += n;
    if (words_ > kMaxQueryWords)
      throw QueryError("query too long: more than " +
                       std::to_string(kMaxQueryWords) + " words");
    return n;
  }

  Part phrase_of(const std::vector<Token>& tokens, Field field,
                 const std::string& label, bool negated = false) {
    Part p;
    MatchGroup g;
    g.label = label;
    std::vector<Xapian::Query> terms;
    for (const Token& t : tokens) {
      if (t.alternative) continue;
      terms.emplace_back(Analyzer::exact_prefix(field) + t.term);
      g.phrase.push_back(t.term);
    }
    if (terms.empty()) return p;
    if (terms.size() == 1) {
      p.query = terms[0];
      g.exact = g.phrase;
      g.phrase.clear();
    } else {
      p.query = Xapian::Query(Xapian::Query::OP_PHRASE, terms.begin(),
                              terms.end(), terms.size());
    }
    if (!negated) {
      std::vector<Token> words;
      std::copy_if(tokens.begin(), tokens.end(), std::back_inserter(words),
                   [](const Token& t) { return !t.alternative; });
      std::vector<Xapian::Query> alternatives{p.query};
      bridge(words, field, &g, &alternatives);
      if (alternatives.size() > 1)
        p.query = Xapian::Query(Xapian::Query::OP_OR, alternatives.begin(),
                                alternatives.end());
    }
    g.query = p.query;
    if (!negated) out_->groups.push_back(std::move(g));
    return p;
  }

 public:
  Xapian::Query relaxed_;
  std::vector<ParsedQuery::Word> relaxed_words_;
  bool relaxed_possible_ = true;

 private:
  std::vector<Lexeme> lx_;
  size_t i_ = 0;
  const Analyzer& analyzer_;
  const Xapian::Database* db_;
  const TermStats* stats_;  // or null: db_'s
  MatchMode mode_;
  ParsedQuery* out_;
  const Lexicon* lexicon_;  // or null: no bridging
  Xapian::Query top_filter_;
  bool voting_ = false;  // in vote_language()
  size_t votes_en_ = 0, votes_es_ = 0;
  std::string group_field_;  // field of an enclosing title:( … )
  int negated_ = 0;          // enclosing NOT / -( … )
  int depth_ = 0;
  size_t words_ = 0;
  static constexpr int kMaxDepth = 100;
};

}  // namespace

uint64_t word_termfreq(
    const MatchGroup& g,
    const std::function<uint64_t(const std::string&)>& termfreq) {
  uint64_t df = 0;
  for (const std::string& t : g.exact) df = std::max(df, termfreq(t));
  for (const auto& [lang, stem] : g.stems)
    df =
        std::max(df, termfreq(Analyzer::stem_prefix(Field::body, lang) + stem));
  return df;
}

Xapian::Query match_all() { return Xapian::Query(std::string()); }

Xapian::Query date_range(const std::string& from, const std::string& to) {
  if (!from.empty() && !to.empty())
    return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, schema::kSlotDate, from,
                         to);
  if (!from.empty())
    return Xapian::Query(Xapian::Query::OP_VALUE_GE, schema::kSlotDate, from);
  if (!to.empty())
    return Xapian::Query(Xapian::Query::OP_VALUE_LE, schema::kSlotDate, to);
  return match_all();
}

ParsedQuery parse_query(std::string_view text, const Analyzer& analyzer,
                        const Xapian::Database* db, MatchMode mode,
                        const Lexicon* lexicon, const TermStats* stats) {
  if (text.size() > kMaxQueryBytes)
    throw QueryError("query too long: " + std::to_string(text.size()) +
                     " bytes (at most " + std::to_string(kMaxQueryBytes) + ")");
  ParsedQuery out;
  std::vector<Lexeme> lexemes = lex(text);
  for (Lexeme& l : lexemes)
    if ((l.kind == Lexeme::word || l.kind == Lexeme::phrase) &&
        l.field != "lang" && l.field != "date")
      l.tokens = analyzer.tokenize(l.text);
  ParsedQuery scratch;
  Parser voter(std::move(lexemes), analyzer, nullptr, mode, &scratch, lexicon);
  out.lang = voter.vote_language();
  Parser parser(voter.take_lexemes(), analyzer, db, mode, &out, lexicon, stats);
  parser.run();
  if (parser.relaxed_possible_) {
    out.relaxed = parser.relaxed_;
    out.relaxed_words = std::move(parser.relaxed_words_);
  }
  return out;
}

}  // namespace bilex
