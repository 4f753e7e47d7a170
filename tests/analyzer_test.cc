// The analyzer: tokens, folding, stems, stopwords, and the accent-parity
// synonyms. Every decision listed in README "How text is analyzed", and the
// must-have drift test (index "Running", search "run").
#include "common/analyzer.h"

#include <doctest/doctest.h>
#include <xapian.h>

#include <algorithm>
#include <bitset>
#include <string>
#include <vector>

#include "common/schema.h"
#include "indexer/indexer.h"
#include "searcher/searcher.h"
#include "test_util.h"

using bilex::Field;
using bilex::Lang;
using bilex::test::TempDir;
using bilex::test::terms;

namespace {

bool has_term(const Xapian::Document& d, const std::string& t) {
  auto it = d.termlist_begin();
  it.skip_to(t);
  return it != d.termlist_end() && *it == t;
}

// Every term of `d` starting with `prefix` (and, for "", with no upper-case
// prefix at all).
std::vector<std::string> terms_with_prefix(const Xapian::Document& d,
                                           const std::string& prefix) {
  std::vector<std::string> out;
  for (auto it = d.termlist_begin(); it != d.termlist_end(); ++it) {
    const std::string t = *it;
    if (!t.starts_with(prefix)) continue;
    if (t.size() > prefix.size() && t[prefix.size()] >= 'A' &&
        t[prefix.size()] <= 'Z')
      continue;
    out.push_back(t);
  }
  return out;
}

std::vector<std::string> ids(const bilex::SearchResult& r) {
  std::vector<std::string> out;
  for (const auto& h : r.hits) out.push_back(h.id);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("tokens of tricky text, English and Spanish") {
  struct Case {
    std::string text;
    std::string expected;  // terms, space-separated; "+" marks an alternative
  };
  const Case cases[] = {
      // Accents and case: folded, but ñ stays ñ.
      {"migración", "migracion"},
      {"BÁRCENA", "barcena"},
      {"BARCENA Bárcena BÁRCENA", "barcena barcena barcena"},
      {"pingüino pinguino", "pinguino pinguino"},
      {"año ano AÑO", "año ano año"},
      {"ÑANDÚ", "ñandu"},
      {"Ça va, garçon", "ca va garcon"},
      {"\uFB01nance", "finance"},  // NFKC: the ﬁ ligature
      {"ＡＢＣ１２３", "abc123"},  // NFKC: full-width forms
      // Dotted acronyms.
      {"U.S. officials", "us officials"},
      {"U.S.", "us"},
      {"EE.UU. y México", "eeuu y mexico"},
      // Names and compounds: separate words.
      {"López Obrador", "lopez obrador"},
      {"Sherwood-Randall", "sherwood randall"},
      {"e-mail", "e mail"},
      // Numbers.
      {"242,000", "242000"},
      {"242,000 and 242.000", "242000 and 242000"},
      {"3,5 millones", "35 millones"},
      {"41%", "41"},
      {"41% of", "41 of"},
      {"2024-01-19", "2024 01 19"},
      {"23:10:56", "23 10 56"},
      // Apostrophes.
      {"d'Artagnan", "d'artagnan +artagnan"},
      {"don't", "don't"},
      {"don\u2019t", "don't"},
      {"Biden's", "biden's"},
      // URLs, e-mail addresses, hashtags, mentions.
      {"https://example.com/path", "https example.com +example +com path"},
      {"ana@example.com", "ana@example.com +ana +example +com"},
      {"#hashtags", "hashtags"},
      // Emoji and symbols are dropped.
      {"hola \U0001F600 mundo", "hola mundo"},
      {"ok \U0001F44D\U0001F3FD fine", "ok fine"},
      {"\U0001F600\U0001F600", ""},
      {"  ... !!! ", ""},
      {"", ""},
      // Other scripts are words too.
      {"مرحبا بالعالم", "مرحبا بالعالم"},
      {"שלום עולם", "שלום עולם"},
      {"Москва", "москва"},
      // Invisible characters: a soft hyphen joins, a zero-width space
      // separates (UAX #29 treats it as a word boundary).
      {"infor\u00ADmation", "information"},
      {"zero\u200Bwidth", "zero width"},
      {"nota:El", "nota el"},
  };
  bilex::Analyzer a;
  for (const Case& c : cases) {
    CAPTURE(c.text);
    CHECK(terms(a, c.text) == c.expected);
  }
}

// The tokenizer splits ASCII pieces itself and hands the rest to ICU; the
// tokens must be exactly ICU's (bilex-lab tokcheck checks the bench news
// and a million random strings the same way).
TEST_CASE("ASCII fast path: the same tokens as ICU alone") {
  const std::string texts[] = {
      "U.S. officials said, \"242,000\" or 1.5; 3;4 v1.2 a.b.c a..b don't "
      "'quoted'",
      "seti@home @user ana@example.com http://x.org/a_b?c=d&e=f#frag",
      "snake_case __init__ _ __ ___ a_ _a 9_9 _9_",
      "23:10:56 2024-01-19 nota:El x'y 1'000 a'1 1'a 1.a a.1 1,a",
      "migración y EE.UU. \u201Cquoted\u201D don\u2019t caf\u00E9,bar",
      "infor\u00ADmation zero\u200Bwidth \u05D0\u05D1 \u4E2D\u6587 "
      "ok\U0001F600ok",
      "tab\there\nnew line\r\nwindows \xFF bad byte \xC3 end",
      "a\u0301b  \u0301lead x\u00A0nbsp",
      // Punctuation of Spanish news and digits, split without ICU.
      "\u00BFQu\u00E9? \u00A1Ya! \u00ABcita\u00BB \u201C2017\u201D "
      "a\u2014b 1\u20132 \u2026fin\u2026 x\u00A0y \u201Cdon\u2019t\u201D "
      "\u2018ok\u2019 a\u2019b",
      "833,334 19th covid19 1. 3,5km abc,5 abc1,5 5;6 7;x 8.x x.9 "
      "(12) \"2\u00AA\" 1\u00BA a\u201C\u0301b \u201C\u200Bx",
      // Words over the term length limit, ASCII and Latin-1; '_' and '@'
      // inside Latin-1 words; Latin-1 around '.', '\'' and digits.
      std::string(70, 'a') + " " + std::string(64, 'B') + " x" +
          std::string(40, 'y') + "\u00E9" + std::string(30, 'z') +
          " \u00C9l_ni\u00F1o @\u00C1ngel \u00E1@b.c STRA\u00DFE "
          "d'\u00C1vila \u00C1.\u00C9. \u00E91,5 1\u00E9.2 x.\u00E9",
      // Letters outside Latin-1 next to ASCII and Latin-1 ones.
      "ab\u0107d caf\u00E9\u0142 \u0416x x\u0416 1\u0661 "
      "\u00E9\u2019\u0107 a\u00AD\u00E9 \u00AB\u0107\u00BB",
  };
  bilex::Analyzer fast, icu;
  icu.set_ascii_fast_path(false);
  for (const std::string& text : texts) {
    CAPTURE(text);
    const auto a = fast.tokenize(text), b = icu.tokenize(text);
    REQUIRE(a.size() == b.size());
    for (size_t i = 0; i < a.size(); ++i) {
      CAPTURE(i);
      CHECK(a[i].term == b[i].term);
      CHECK(a[i].accented == b[i].accented);
      CHECK(a[i].begin == b[i].begin);
      CHECK(a[i].end == b[i].end);
      CHECK(a[i].pos == b[i].pos);
      CHECK(a[i].alternative == b[i].alternative);
    }
  }
}

// The snippet generator asks only for terms that start with the first byte
// of a query term; the other words may be left out, and the tokens kept
// are exactly as they are without the filter, positions included.
TEST_CASE("tokenize with wanted first bytes") {
  const std::string texts[] = {
      "U.S. officials said, \"242,000\" or 1.5; don't d'Artagnan seti@home",
      "Árbol Éxito ÑANDÚ über Straße ßtraße Œuvre migración y EE.UU.",
      "\u00C6sir \u00E6on caf\u00E9,bar infor\u00ADmation \u4E2D\u6587 "
      "tab\there \xFF bad a1,5 x_y",
      "833,334 19th covid19 (12) 3,5km 2017. \u00BFs\u00ED? "
      "\u201C9 de oro\u201D \u00ABs\u00F3lo\u00BB",
  };
  bilex::Analyzer a;
  for (const char* letters : {"", "aeu", "s", "o9", "\xC3"}) {
    std::bitset<256> wanted;
    for (const char* c = letters; *c; ++c)
      wanted.set(static_cast<unsigned char>(*c));
    size_t left_out = 0;
    for (const std::string& text : texts) {
      CAPTURE(text);
      CAPTURE(letters);
      const auto all = a.tokenize(text), some = a.tokenize(text, &wanted);
      size_t i = 0;
      for (const auto& t : all) {
        CAPTURE(t.term);
        if (i < some.size() && some[i] == t) {
          ++i;
        } else {
          CHECK_FALSE(wanted.test(static_cast<unsigned char>(t.term.front())));
          ++left_out;
        }
      }
      CHECK(i == some.size());
    }
    CHECK(left_out > 0);
  }
}

// The snippet generator tokenizes all the words of a stretch of a long
// article only, cut where its tokens are those of the whole text.
TEST_CASE("cut_before and cut_after keep the tokens of the stretch") {
  std::string text;
  for (int i = 0; i < 30; ++i)
    text +=
        "U.S. talks\u2014\u201Cla frontera\u201D caf\u00E9 don't-wait "
        "\u4E2D\u6587 1,5 ñandú a\u0301b  x" +
        std::to_string(i) + "\t";
  bilex::Analyzer a;
  const auto all = a.tokenize(text);
  size_t cut = 0;
  for (size_t at = 0; at < text.size(); at += 7) {
    CAPTURE(at);
    const size_t from = a.cut_before(text, at);
    const size_t to = a.cut_after(text, std::min(text.size(), at + 60));
    CHECK(from <= at);
    CHECK(to >= std::min(text.size(), at + 60));
    if (from > 0 && to < text.size()) ++cut;
    std::vector<bilex::Token> expected;
    for (auto t : all) {
      if (t.begin < from || t.end > to) continue;
      t.begin -= static_cast<uint32_t>(from);
      t.end -= static_cast<uint32_t>(from);
      expected.push_back(t);
    }
    auto got = a.tokenize(std::string_view(text).substr(from, to - from));
    REQUIRE(got.size() == expected.size());
    for (size_t i = 0; i < got.size(); ++i) {
      got[i].pos = expected[i].pos;  // positions count from the cut
      CHECK(got[i] == expected[i]);
    }
  }
  CHECK(cut > 0);
}

TEST_CASE("rules of underscores are no words") {
  bilex::Analyzer a;
  CHECK(terms(a, "end ____ next __ x") == "end next x");
  CHECK(terms(a, "snake_case") == "snake_case");
}

// Regression: "@user" yields the term "@user" plus the alternative "user"; like
// "#hashtags" -> "hashtags", a mention should be the plain word.
TEST_CASE("mentions lose their @ like hashtags lose their #") {
  bilex::Analyzer a;
  CHECK(terms(a, "#hashtags @user") == "hashtags user");
  CHECK(terms(a, "@bilex") == "bilex");
}

TEST_CASE("año and ano are different terms") {
  bilex::Analyzer a;
  const auto anio = a.tokenize("año").at(0), ano = a.tokenize("ano").at(0);
  CHECK(anio.term != ano.term);
  for (Lang l : {Lang::en, Lang::es}) {
    CAPTURE(bilex::lang_code(l));
    CHECK(a.stem(anio, l) != a.stem(ano, l));
  }
}

TEST_CASE("tokens keep the byte offsets of the written word") {
  struct Case {
    std::string text;
    size_t index;  // which token
    std::string term;
    std::string written;  // text.substr(begin, end - begin)
    uint32_t pos;
  };
  const Case cases[] = {
      {"Bárcena", 0, "barcena", "Bárcena", 0},
      {"La canciller BÁRCENA, en EE.UU.", 2, "barcena", "BÁRCENA", 2},
      {"La canciller Bárcena, en EE.UU.", 4, "eeuu", "EE.UU", 4},
      {"ÑANDÚ corre", 1, "corre", "corre", 1},
      {"#hashtags", 0, "hashtags", "hashtags", 0},
      {"don\u2019t stop", 0, "don't", "don\u2019t", 0},
      {"infor\u00ADmation age", 0, "information", "infor\u00ADmation", 0},
      {"infor\u00ADmation age", 1, "age", "age", 1},
      {"hola \U0001F600 mundo", 1, "mundo", "mundo", 1},
      {"Sherwood-Randall", 1, "randall", "Randall", 1},
      {"see d'Artagnan", 2, "artagnan", "d'Artagnan", 1},
      {"42 \xE2\x82\xAC and 242,000", 2, "242000", "242,000", 2},
  };
  bilex::Analyzer a;
  for (const Case& c : cases) {
    CAPTURE(c.text);
    CAPTURE(c.index);
    const auto toks = a.tokenize(c.text);
    REQUIRE(toks.size() > c.index);
    const auto& t = toks[c.index];
    CHECK(t.term == c.term);
    REQUIRE(t.begin <= t.end);
    REQUIRE(t.end <= c.text.size());
    CHECK(c.text.substr(t.begin, t.end - t.begin) == c.written);
    CHECK(t.pos == c.pos);
  }
}

TEST_CASE("accented tokens carry their case-folded accented form") {
  bilex::Analyzer a;
  const auto t = a.tokenize("BÁRCENA").at(0);
  CHECK(t.term == "barcena");
  CHECK(t.accented == "bárcena");
  CHECK(a.tokenize("border").at(0).accented.empty());  // same as term
}

TEST_CASE("positions: compounds consecutive, alternatives share their word's") {
  bilex::Analyzer a;
  SUBCASE("Sherwood-Randall") {
    const auto t = a.tokenize("Liz Sherwood-Randall said");
    REQUIRE(t.size() == 4);
    CHECK(t[1].pos + 1 == t[2].pos);
    CHECK(t[3].pos == t[2].pos + 1);
  }
  SUBCASE("d'Artagnan") {
    const auto t = a.tokenize("d'Artagnan rides");
    REQUIRE(t.size() == 3);
    CHECK(t[0].term == "d'artagnan");
    CHECK_FALSE(t[0].alternative);
    CHECK(t[1].term == "artagnan");
    CHECK(t[1].alternative);
    CHECK(t[1].pos == t[0].pos);
    CHECK(t[1].begin == t[0].begin);
    CHECK(t[1].end == t[0].end);
    CHECK(t[2].pos == t[0].pos + 1);  // an alternative is not a word
  }
  SUBCASE("example.com") {
    const auto t = a.tokenize("see example.com now");
    REQUIRE(t.size() == 5);
    CHECK(t[1].pos == 1);
    CHECK(t[2].pos == 1);
    CHECK(t[3].pos == 1);
    CHECK(t[4].pos == 2);
  }
  SUBCASE("dropped emoji leave no gap") {
    const auto t = a.tokenize("a \U0001F600 b");
    REQUIRE(t.size() == 2);
    CHECK(t[1].pos == 1);
  }
}

TEST_CASE("dotted acronyms are kept: never stopwords, never stemmed") {
  bilex::Analyzer a;
  for (const char* text : {"U.S.", "EE.UU.", "U.K."}) {
    CAPTURE(text);
    const auto t = a.tokenize(text).at(0);
    CHECK(t.keep);
    CHECK(a.stem(t, Lang::en) == t.term);
    CHECK(a.stem(t, Lang::es) == t.term);
  }
  CHECK_FALSE(a.tokenize("us").at(0).keep);
}

TEST_CASE("CJK text yields tokens and never throws") {
  bilex::Analyzer a;
  for (const std::string text :
       {"北京大学", "北京大学的学生", "東京都に住んでいます", "서울특별시"}) {
    CAPTURE(text);
    std::vector<bilex::Token> toks;
    REQUIRE_NOTHROW(toks = a.tokenize(text));
    CHECK_FALSE(toks.empty());
    for (const auto& t : toks) {
      CHECK(t.end <= text.size());
      CHECK(t.begin < t.end);
    }
  }
  CHECK(terms(a, "北京大学") == "北京 大学");
}

TEST_CASE("invalid UTF-8: no crash, the words around it survive") {
  bilex::Analyzer a;
  struct Case {
    std::string text;
    std::string expected;
  };
  const Case cases[] = {
      {"bad\xff\xfe"
       "bytes",
       "bad bytes"},
      {"abc \xff\xfe def", "abc def"},
      {"\xc3", ""},
      {"caf\xc3\xa9\xe2\x82", "cafe"},
      {"caf\xc3 x", "caf x"},
      {"\xed\xa0\x80 surrogate", "surrogate"},
      {"over\xc0\xaflong", "over long"},
      {std::string("nul\0byte", 8), "nul byte"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    CHECK(terms(a, c.text) == c.expected);
  }
  // Offsets stay inside the input and on the written words.
  const std::string text = "x\xff\xfe y\xf0\x9f z";
  for (const auto& t : a.tokenize(text)) {
    CHECK(t.end <= text.size());
    CHECK(t.begin < t.end);
  }
  std::string noise;
  for (int i = 0; i < 4096; ++i)
    noise.push_back(static_cast<char>((i * 7919 + i / 3) % 256));
  CHECK_NOTHROW((void)a.tokenize(noise));
}

TEST_CASE("stems: each language its own Snowball stemmer") {
  bilex::Analyzer a;
  auto stem = [&](const char* w, Lang l) {
    return a.stem(a.tokenize(w).at(0), l);
  };
  CHECK(stem("crossing", Lang::en) == stem("crossed", Lang::en));
  CHECK(stem("crossing", Lang::en) == stem("cross", Lang::en));
  CHECK(stem("Running", Lang::en) == stem("run", Lang::en));
  CHECK(stem("migrantes", Lang::es) == stem("migrante", Lang::es));
  CHECK(stem("fronteras", Lang::es) == stem("frontera", Lang::es));
  CHECK(stem("comunicación", Lang::es) == "comun");
  CHECK(stem("comunicacion", Lang::es) == "comunicacion");
  CHECK(stem("Biden's", Lang::en) == "biden");
  CHECK(stem("242,000", Lang::es) == "242000");  // numbers are not stemmed
  CHECK(stem("año", Lang::es) != stem("ano", Lang::es));
  // Stems are folded like terms: no accents in a stem term.
  CHECK(stem("después", Lang::es) == "despues");
  CHECK(stem("reunirán", Lang::es) == "reun");
}

TEST_CASE("stopwords: per language, folded") {
  bilex::Analyzer a;
  struct Case {
    const char* term;
    bool en, es;
  };
  const Case cases[] = {
      {"the", true, false}, {"de", false, true},      {"a", true, true},
      {"mas", false, true}, {"border", false, false}, {"los", false, true},
  };
  for (const Case& c : cases) {
    CAPTURE(c.term);
    CHECK(a.is_stopword(c.term, Lang::en) == c.en);
    CHECK(a.is_stopword(c.term, Lang::es) == c.es);
  }
}

TEST_CASE("index_text: stopwords get exact positional terms, no stems") {
  bilex::Analyzer a;
  Xapian::Document doc;
  Xapian::termpos pos = 0;
  a.index_text(doc, "The causas de la migración", Lang::es, Field::body, &pos,
               1, nullptr);
  CHECK(pos == 5);
  std::vector<std::string> all;
  for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t)
    all.push_back(*t);
  // "the" is not a Spanish stopword: it gets a Spanish stem.
  CHECK(bilex::test::join(all) ==
        "ZScaus ZSmigracion ZSthe causas de la migracion the");

  // Positions of the exact terms, stopwords included (phrases keep them).
  auto positions = [&](const std::string& term) {
    std::vector<Xapian::termpos> p;
    auto it = doc.termlist_begin();
    it.skip_to(term);
    REQUIRE(it != doc.termlist_end());
    for (auto q = it.positionlist_begin(); q != it.positionlist_end(); ++q)
      p.push_back(*q);
    return p;
  };
  CHECK(positions("the") == std::vector<Xapian::termpos>{1});
  CHECK(positions("de") == std::vector<Xapian::termpos>{3});
  CHECK(positions("migracion") == std::vector<Xapian::termpos>{5});

  Xapian::Document en;
  pos = 0;
  a.index_text(en, "the border", Lang::en, Field::body, &pos, 1, nullptr);
  CHECK(has_term(en, "the"));
  CHECK_FALSE(has_term(en, "ZEthe"));
  CHECK(has_term(en, "ZEborder"));
}

TEST_CASE("index_text continues positions across calls") {
  bilex::Analyzer a;
  Xapian::Document doc;
  Xapian::termpos pos = 0;
  a.index_text(doc, "one two", Lang::en, Field::body, &pos, 1, nullptr);
  CHECK(pos == 2);
  pos += 100;
  a.index_text(doc, "three", Lang::en, Field::body, &pos, 1, nullptr);
  CHECK(pos == 103);
}

TEST_CASE("an English and a Spanish document get their own stem prefixes") {
  bilex::Analyzer a;
  Xapian::Document en, es, und;
  Xapian::termpos p1 = 0, p2 = 0, p3 = 0;
  a.index_text(en, "crossing", Lang::en, Field::body, &p1, 1, nullptr);
  a.index_text(es, "fronteras", Lang::es, Field::body, &p2, 1, nullptr);
  a.index_text(und, "pan", Lang::und, Field::title, &p3, 1, nullptr);
  CHECK(has_term(en, "ZEcross"));
  CHECK(terms_with_prefix(en, "ZS").empty());
  CHECK(has_term(es, "ZSfronter"));
  CHECK(terms_with_prefix(es, "ZE").empty());
  CHECK(has_term(und, "SZEpan"));
  CHECK(has_term(und, "SZSpan"));
  CHECK(has_term(und, "Span"));
  CHECK(bilex::Analyzer::stem_prefix(Field::body, Lang::en) == "ZE");
  CHECK(bilex::Analyzer::stem_prefix(Field::body, Lang::es) == "ZS");
  CHECK(bilex::Analyzer::stem_prefix(Field::title, Lang::es) == "SZS");
  CHECK(bilex::Analyzer::exact_prefix(Field::title) == "S");
  CHECK(bilex::Analyzer::exact_prefix(Field::body).empty());
}

TEST_CASE("query terms: both languages, stopwords dropped per language") {
  bilex::Analyzer a;
  const auto w =
      a.query_terms(a.tokenize("fronteras").at(0), Field::body, nullptr);
  CHECK(w.exact == "fronteras");
  REQUIRE(w.stems.size() == 2);
  CHECK(w.stems[0].lang == Lang::en);
  CHECK(w.stems[1].lang == Lang::es);
  CHECK(w.stems[1].terms.front() == "ZSfronter");
  const auto de = a.query_terms(a.tokenize("de").at(0), Field::body, nullptr);
  REQUIRE(de.stems.size() == 1);  // a Spanish stopword, an English word
  CHECK(de.stems[0].lang == Lang::en);
  const auto us =
      a.query_terms(a.tokenize("U.S.").at(0), Field::title, nullptr);
  CHECK(us.exact == "Sus");
  CHECK(us.stems.size() == 2);  // an acronym is never a stopword
}

// Indexes `files` (name -> content) with bilex::run_index into a fresh
// on-disk index and returns the summary.
static bilex::IndexSummary index_files(
    const TempDir& dir,
    const std::vector<std::pair<std::string, std::string>>& files) {
  for (const auto& [name, content] : files) dir.write("in/" + name, content);
  bilex::IndexOptions opts;
  opts.db = dir.str("db");
  opts.paths = {dir.str("in")};
  opts.jobs = 1;
  return bilex::run_index(opts, nullptr);
}

TEST_CASE("drift: Running indexed is found by run, en and es stems apart") {
  TempDir dir;
  const auto summary = index_files(
      dir,
      {{"en.txt",
        "Running the border\n\nRunning for office again, the senator said "
        "that the government would keep working with Mexico on the border "
        "and on migration for as long as it takes."},
       {"es.txt",
        "Las fronteras del norte\n\nLos migrantes que cruzan las fronteras "
        "del norte de México buscan trabajo y seguridad para sus familias, "
        "dijo el gobierno este jueves en un comunicado."}});
  REQUIRE(summary.added == 2);
  REQUIRE(summary.skipped == 0);

  bilex::Searcher s(dir.str("db"));
  bilex::SearchRequest req;
  SUBCASE("run finds Running") {
    req.query = "run";
    const auto r = s.search(req);
    CHECK(ids(r) == std::vector<std::string>{"en.txt"});
    REQUIRE(!r.hits.empty());
    CHECK(r.hits[0].lang == Lang::en);
    // The snippet marks the written form.
    const auto& sn = r.hits[0].snippet;
    REQUIRE_FALSE(sn.marks.empty());
    CHECK(sn.text.substr(sn.marks[0].first,
                         sn.marks[0].second - sn.marks[0].first) == "Running");
  }
  SUBCASE("migrante finds migrantes") {
    req.query = "migrante";
    const auto r = s.search(req);
    CHECK(ids(r) == std::vector<std::string>{"es.txt"});
    REQUIRE(!r.hits.empty());
    CHECK(r.hits[0].lang == Lang::es);
  }
  SUBCASE("each document has its own language's stems") {
    Xapian::Database db(dir.str("db"));
    for (const auto& [id, lang, own, other] :
         {std::tuple{"en.txt", "en", "ZE", "ZS"},
          std::tuple{"es.txt", "es", "ZS", "ZE"}}) {
      CAPTURE(id);
      const std::string q = std::string(bilex::schema::kId) + id;
      auto p = db.postlist_begin(q);
      REQUIRE(p != db.postlist_end(q));
      const Xapian::Document d = db.get_document(*p);
      CHECK(has_term(d, std::string(bilex::schema::kLang) + lang));
      CHECK_FALSE(terms_with_prefix(d, own).empty());
      CHECK(terms_with_prefix(d, other).empty());
      CHECK(terms_with_prefix(d, std::string(bilex::schema::kTitle) + other)
                .empty());
    }
    CHECK(db.get_termfreq("ZErun") == 1);
    CHECK(db.get_termfreq("ZSrun") == 0);
    CHECK(db.get_termfreq("ZSmigrant") == 1);
    CHECK(db.get_termfreq("running") == 1);  // the exact form too
  }
}

TEST_CASE("accent parity: an accent-free query reaches the accented stems") {
  TempDir dir;
  const auto summary = index_files(
      dir, {{"es.txt",
             "---\nlang: es\n---\nEn un comunicado conjunto, los gobiernos "
             "anunciaron la comunicación de acuerdos; después se reunirán "
             "otra vez en enero."}});
  REQUIRE(summary.added == 1);
  Xapian::Database db(dir.str("db"));
  bilex::Analyzer a;

  struct Case {
    std::string accented, plain;
  };
  for (const Case& c :
       {Case{"comunicación", "comunicacion"}, Case{"después", "despues"},
        Case{"reunirán", "reuniran"}}) {
    CAPTURE(c.plain);
    // The stem term the document was indexed under.
    const std::string indexed =
        "ZS" + a.stem(a.tokenize(c.accented).at(0), Lang::es);
    REQUIRE(db.get_termfreq(indexed) == 1);

    const auto with =
        a.query_terms(a.tokenize(c.accented).at(0), Field::body, &db);
    const auto without =
        a.query_terms(a.tokenize(c.plain).at(0), Field::body, &db);
    CHECK(with.exact == without.exact);
    REQUIRE(without.stems.size() == 2);
    const auto& es = without.stems.back();
    CHECK(es.lang == Lang::es);
    CAPTURE(bilex::test::join(es.terms));
    CHECK(std::find(es.terms.begin(), es.terms.end(), indexed) !=
          es.terms.end());
    // The same in the title field.
    const auto title =
        a.query_terms(a.tokenize(c.plain).at(0), Field::title, &db);
    CHECK(std::find(title.stems.back().terms.begin(),
                    title.stems.back().terms.end(),
                    "S" + indexed) != title.stems.back().terms.end());

    // And through the searcher, both spellings find the document.
    bilex::Searcher s(dir.str("db"));
    bilex::SearchRequest req;
    for (const std::string& q : {c.accented, c.plain}) {
      CAPTURE(q);
      req.query = q;
      CHECK(ids(s.search(req)) == std::vector<std::string>{"es.txt"});
    }
  }
}
