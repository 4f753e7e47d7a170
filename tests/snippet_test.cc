// Snippets: the best passage, every matching form marked, cuts only between
// words and code points, and the HTML rendering of searcher/printer.h.
#include "common/snippet.h"

#include <doctest/doctest.h>

#include <cctype>
#include <map>
#include <string>
#include <vector>

#include "common/query.h"
#include "common/unicode.h"
#include "searcher/printer.h"
#include "test_util.h"

using bilex::Lang;
using bilex::utf8_code_points;
using bilex::test::valid_utf8;

namespace {

const std::string kEllipsis = "\u2026";

bilex::Snippet snip(const bilex::Analyzer& a, const std::string& body,
                    const std::string& query, size_t max_chars,
                    Lang lang = Lang::en) {
  const auto pq =
      bilex::parse_query(query, a, nullptr, bilex::MatchMode::ranked);
  return bilex::make_snippet(a, body, lang, pq.groups, max_chars);
}

// The marked words, space-separated.
std::string marked(const bilex::Snippet& s) {
  std::vector<std::string> out;
  for (const auto& [b, e] : s.marks) out.push_back(s.text.substr(b, e - b));
  return bilex::test::join(out);
}

// `s` with each whitespace run turned into one space, trimmed.
std::string collapse(const std::string& s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// Checks everything a snippet of `body` must be, whatever the query.
// The length may exceed max_chars + 2 (the ellipses) only by the ASCII
// punctuation taken after the last word ("border." not "border"); see the
// strict test below.
void check_shape(const bilex::Analyzer& a, const std::string& body,
                 const bilex::Snippet& s, size_t max_chars) {
  CAPTURE(s.text);
  CHECK(valid_utf8(s.text));
  size_t tail = s.text.ends_with(kEllipsis) ? s.text.size() - kEllipsis.size()
                                            : s.text.size();
  size_t punct = 0;
  while (tail > 0 &&
         std::ispunct(static_cast<unsigned char>(s.text[tail - 1]))) {
    --tail;
    ++punct;
  }
  CHECK(utf8_code_points(s.text) <= max_chars + 2 + punct);
  // Marks: sorted, disjoint, inside the text, on code point boundaries.
  size_t last = 0;
  for (const auto& [b, e] : s.marks) {
    CHECK(b >= last);
    CHECK(b < e);
    CHECK(e <= s.text.size());
    if (e <= s.text.size()) CHECK(valid_utf8(s.text.substr(b, e - b)));
    last = e;
  }
  // The text is a run of the (whitespace-collapsed) body, with "…" where it
  // was cut, and every cut falls between words.
  std::string core = s.text;
  const bool cut_left = core.starts_with(kEllipsis);
  if (cut_left) core.erase(0, kEllipsis.size());
  const bool cut_right = core.ends_with(kEllipsis);
  if (cut_right) core.erase(core.size() - kEllipsis.size());
  const std::string flat = collapse(body);
  if (flat.empty()) {
    CHECK(s.text.empty());
    return;
  }
  REQUIRE_FALSE(core.empty());
  const auto tokens = a.tokenize(flat);
  auto inside_word = [&](size_t at) {
    for (const auto& t : tokens)
      if (t.begin < at && at < t.end) return true;
    return false;
  };
  bool found = false;
  for (size_t p = flat.find(core); p != std::string::npos && !found;
       p = flat.find(core, p + 1)) {
    const size_t q = p + core.size();
    found = (cut_left ? p > 0 : p == 0) &&
            (cut_right ? q < flat.size() : q == flat.size()) &&
            !inside_word(p) && !inside_word(q);
  }
  CHECK(found);
}

const std::string kArticle =
    "The Foreign Minister of Mexico, Alicia Bárcena, offered this Friday to "
    "the Secretary of State of the United States, Antony Blinken, support to "
    "stop the arrival of migrants to the common border, but insisted on the "
    "need to address the structural causes of migration.\n\n"
    "The delegations of both countries resumed in Washington the talks on "
    "immigration that began at the end of last year due to the record number "
    "of undocumented immigrants crossing the common border.\n\n"
    "\u201CWe, as Mexico, intend to help support this great task,\u201D "
    "Bárcena stated. Los migrantes cruzan la frontera; la comunicación "
    "continúa después de la reunión. 北京大学 \U0001F600 emoji, ÑANDÚ, "
    "pingüino, d'Artagnan and U.S. officials said the root causes matter.";

}  // namespace

TEST_CASE("make_snippet marks every matching form") {
  bilex::Analyzer a;
  struct Case {
    std::string body, query;
    Lang lang;
    std::string marked;
  };
  const Case cases[] = {
      {"Immigrants crossing the common border.", "cross", Lang::en, "crossing"},
      {"Immigrants crossing the border crossed it.", "crossed", Lang::en,
       "crossing crossed"},
      {"The minister, Alicia Bárcena, spoke.", "barcena", Lang::en, "Bárcena"},
      {"The minister, Alicia Bárcena, spoke.", "BARCENA", Lang::en, "Bárcena"},
      {"La ministra Bárcena habló.", "bárcena", Lang::es, "Bárcena"},
      {"Running for office.", "run", Lang::en, "Running"},
      // A word as long as the stem sought ("cry" and "cries": "cri").
      {"A cry, then cries.", "cries", Lang::en, "cry cries"},
      {"Los migrantes cruzan.", "migrante", Lang::es, "migrantes"},
      {"La comunicación continúa.", "comunicacion", Lang::es, "comunicación"},
      {"U.S. officials met.", "us", Lang::en, "U.S"},
      {"d'Artagnan rides.", "artagnan", Lang::en, "d'Artagnan"},
      {"See example.com now.", "example", Lang::en, "example.com"},
      {"Migrants and migración, migratory.", "migr*", Lang::und,
       "Migrants migración migratory"},
      {"El año y el ano.", "año", Lang::es, "año"},
      {"Nothing here.", "zzz", Lang::en, ""},
  };
  for (const Case& c : cases) {
    CAPTURE(c.body);
    CAPTURE(c.query);
    const auto s = snip(a, c.body, c.query, 200, c.lang);
    CHECK(s.text == collapse(c.body));  // short: the whole body
    CHECK(marked(s) == c.marked);
    check_shape(a, c.body, s, 200);
  }
}

TEST_CASE("make_snippet: phrase words are marked only where the phrase is") {
  bilex::Analyzer a;
  const std::string body =
      "Causes of the root: the root causes matter; root and causes alone.";
  const auto s = snip(a, body, "\"root causes\"", 200);
  REQUIRE(s.marks.size() == 2);
  CHECK(marked(s) == "root causes");
  CHECK(s.text.substr(s.marks[0].first).starts_with("root causes matter"));
}

TEST_CASE("make_snippet: nothing matches -> the opening") {
  bilex::Analyzer a;
  const auto s = snip(a, kArticle, "zzzunknown", 60);
  CHECK(s.marks.empty());
  CHECK(s.text.starts_with("The Foreign Minister of Mexico"));
  CHECK(s.text.ends_with(kEllipsis));
  check_shape(a, kArticle, s, 60);
  // Without any query.
  const auto t = bilex::make_snippet(a, kArticle, Lang::en, {}, 60);
  CHECK(t.text == s.text);
}

TEST_CASE("make_snippet: the window goes to the match, cut with ellipses") {
  bilex::Analyzer a;
  std::string body;
  for (int i = 0; i < 60; ++i) body += "Filler words about nothing much. ";
  body += "Here the needle is. ";
  for (int i = 0; i < 60; ++i) body += "More filler after it. ";
  const auto s = snip(a, body, "needle", 80);
  CHECK(marked(s) == "needle");
  CHECK(s.text.starts_with(kEllipsis));
  CHECK(s.text.ends_with(kEllipsis));
  check_shape(a, body, s, 80);
}

TEST_CASE("make_snippet: prefers the passage with the most query words") {
  bilex::Analyzer a;
  std::string body = "The border was quiet. ";
  for (int i = 0; i < 40; ++i) body += "Filler words about nothing much. ";
  body += "Later the border wall was discussed at length. ";
  for (int i = 0; i < 40; ++i) body += "More filler after it. ";
  const auto s = snip(a, body, "border wall", 80);
  CHECK(marked(s) == "border wall");
  check_shape(a, body, s, 80);
}

TEST_CASE("make_snippet: among passages with as many words, the rarest") {
  bilex::Analyzer a;
  // "2017" twice near the start, "elecciones" once far after: no window
  // holds both.
  std::string body = "Santo Domingo, 15 marzo 2017. Cifras de 2017. ";
  for (int i = 0; i < 40; ++i) body += "Texto de relleno sin nada. ";
  body += "Nadie sabe cuándo serán las elecciones del país. ";
  for (int i = 0; i < 40; ++i) body += "Más relleno después. ";
  const auto pq = bilex::parse_query("2017 elecciones", a, nullptr,
                                     bilex::MatchMode::ranked);
  REQUIRE(pq.groups.size() == 2);
  // Without weights: the most matches, "2017" twice.
  const auto plain = bilex::make_snippet(a, body, Lang::es, pq.groups, 80);
  CHECK(marked(plain) == "2017 2017");
  // "elecciones" rarer than "2017": its passage.
  const auto rare =
      bilex::make_snippet(a, body, Lang::es, pq.groups, 80, {1000, 5000});
  CHECK(marked(rare) == "elecciones");
  CHECK(rare.text ==
        "\u2026sabe cuándo serán las elecciones del país. Más relleno "
        "después. Más relleno\u2026");
  check_shape(a, body, rare, 80);
  // "2017" rarer: its passage again.
  const auto common =
      bilex::make_snippet(a, body, Lang::es, pq.groups, 80, {5000, 1000});
  CHECK(marked(common) == "2017 2017");
}

TEST_CASE("make_snippet: more distinct words win over rarer ones") {
  bilex::Analyzer a;
  std::string body = "The border wall was discussed. ";
  for (int i = 0; i < 40; ++i) body += "Filler words about nothing much. ";
  body += "A zebra alone here. ";
  for (int i = 0; i < 40; ++i) body += "More filler after it. ";
  const auto pq = bilex::parse_query("border wall zebra", a, nullptr,
                                     bilex::MatchMode::ranked);
  REQUIRE(pq.groups.size() == 3);
  // "zebra" alone weighs far more than "border" and "wall" together, but
  // the passage with two words wins.
  const auto s =
      bilex::make_snippet(a, body, Lang::en, pq.groups, 80, {1, 1, 100000});
  CHECK(marked(s) == "border wall");
}

TEST_CASE(
    "group_weights: idf of the commonest term, of the rarest phrase word") {
  bilex::Analyzer a;
  const auto pq = bilex::parse_query("migrants \"border wall\" bord*", a,
                                     nullptr, bilex::MatchMode::ranked);
  REQUIRE(pq.groups.size() == 3);
  std::map<std::string, uint64_t> df;
  // The word's exact form is rare, one of its stems common: the stem counts.
  for (const auto& t : pq.groups[0].exact) df[t] = 10;
  for (const auto& [lang, stem] : pq.groups[0].stems)
    df[bilex::Analyzer::stem_prefix(bilex::Field::body, lang) + stem] = 255;
  df["border"] = 1023;
  df["wall"] = 63;
  const auto w = bilex::group_weights(
      pq.groups, 1023, [&](const std::string& t) { return df[t]; });
  REQUIRE(w.size() == 3);
  // log2(1024 / 255.5), log2(1024 / 63.5), thousandths; prefix: 0.
  CHECK(w[0] == 2003);
  CHECK(w[1] == 4011);
  CHECK(w[2] == 0);
}

TEST_CASE("make_snippet: never cuts inside a word or a UTF-8 sequence") {
  bilex::Analyzer a;
  const std::string queries[] = {
      "zzz",  "cross", "barcena",       "\"root causes\"", "migración frontera",
      "北京", "ñandu", "u.s. officials"};
  for (const std::string& q : queries) {
    for (size_t max = 10; max <= 260; max += 7) {
      CAPTURE(q);
      CAPTURE(max);
      check_shape(a, kArticle, snip(a, kArticle, q, max), max);
    }
  }
  // Text where every character is multi-byte.
  std::string wide;
  for (int i = 0; i < 40; ++i) wide += "ñandú pingüino 北京大学 ";
  for (size_t max = 10; max <= 100; max += 3) {
    CAPTURE(max);
    check_shape(a, wide, snip(a, wide, "pinguino", max, Lang::es), max);
  }
}

// Regression: the punctuation after the last word is appended after the length
// check, so a snippet can exceed --snippet-chars + 2 ellipses: by one
// ("reunión.…") or, after a run of punctuation, by any amount.
TEST_CASE("make_snippet: at most max_chars + 2 ellipses, strictly") {
  bilex::Analyzer a;
  const auto s = snip(a, kArticle, "migración frontera", 66);
  CAPTURE(s.text);
  CHECK(utf8_code_points(s.text) <= 66 + 2);
  const std::string shout = "A needle" + std::string(60, '!') + " and more.";
  const auto t = snip(a, shout, "needle", 20);
  CAPTURE(t.text);
  CHECK(utf8_code_points(t.text) <= 20 + 2);
}

TEST_CASE("make_snippet: whitespace collapsed, edge cases") {
  bilex::Analyzer a;
  CHECK(snip(a, "one\n\n  two\tthree", "two", 200).text == "one two three");
  CHECK(snip(a, "", "two", 200).text.empty());
  CHECK(snip(a, "text", "text", 0).text.empty());
  CHECK(snip(a, "\U0001F600 !!! ...", "x", 200).text.size() <= 20);
  // A body without words is cut after max_chars characters, not bytes.
  const std::string emoji = "\U0001F600\U0001F600\U0001F600";
  CHECK(snip(a, emoji, "x", 2).text == "\U0001F600\U0001F600" + kEllipsis);
  CHECK(valid_utf8(snip(a, emoji, "x", 1).text));
  // Invalid UTF-8 in a body (the indexer repairs, but be safe).
  const std::string bad = "caf\xc3 crossing \xff border";
  bilex::Snippet s;
  REQUIRE_NOTHROW(s = snip(a, bad, "cross", 200));
  CHECK(marked(s) == "crossing");
}

TEST_CASE("snippet_html escapes the text and wraps marks in <mark>") {
  struct Case {
    std::string text;
    std::vector<std::pair<size_t, size_t>> marks;
    std::string html;
  };
  const Case cases[] = {
      {"a < b & c > d x", {{14, 15}}, "a &lt; b &amp; c &gt; d <mark>x</mark>"},
      {"AT&T rocks", {{0, 4}}, "<mark>AT&amp;T</mark> rocks"},
      {"<b>bold</b>", {}, "&lt;b&gt;bold&lt;/b&gt;"},
      {"say \"hi\"", {}, "say &quot;hi&quot;"},
      {"Alicia Bárcena, sí", {{7, 15}}, "Alicia <mark>Bárcena</mark>, sí"},
      {"\u2026one two\u2026",
       {{3, 6}, {7, 10}},
       "\u2026<mark>one</mark> <mark>two</mark>\u2026"},
      {"", {}, ""},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    bilex::Snippet s;
    s.text = c.text;
    s.marks = c.marks;
    CHECK(bilex::snippet_html(s) == c.html);
  }
}

TEST_CASE("snippet_html of a real snippet") {
  bilex::Analyzer a;
  const auto s =
      snip(a, "Smith & Sons <Ltd> saw migrants crossing.", "cross", 200);
  CHECK(bilex::snippet_html(s) ==
        "Smith &amp; Sons &lt;Ltd&gt; saw migrants <mark>crossing</mark>.");
}

// Snippets fold only the words that can match (the others are only
// placed); the ASCII fast path and ICU alone must give the same snippets.
TEST_CASE("make_snippet: the same with and without the ASCII fast path") {
  std::string long_en, long_es, mixed;
  for (int i = 0; i < 40; ++i) {
    long_en += "Officials at the border said migrants crossed near post " +
               std::to_string(i) + ". The U.S. talks resumed; don't wait. ";
    long_es += "La migración en la frontera común creció un " +
               std::to_string(i) + "%, según el Ministerio. ";
    mixed +=
        "\u201CLa frontera\u201D \u2014 dijo \u4E2D\u6587 "
        "the border\u2019s gate, caf\u00E9\u0301 \u00A0 x" +
        std::to_string(i) + " ";
  }
  const std::string texts[] = {
      long_en,
      long_es,
      mixed,
      "\u4E2D\u6587\u4E2D\u6587 border \u4E2D\u6587" + mixed,
      "  ..." + long_es.substr(0, 300) + "\t\n frontera",
      "!!! ??? ... " + std::string(600, '-') + " border at the end",
  };
  const char* queries[] = {"border",          "frontera migración",
                           "\"la frontera\"", "\"talks resumed\" wait",
                           "post 17",         "cross*",
                           "nothing",         "gate café"};
  bilex::Analyzer fast, icu;
  icu.set_ascii_fast_path(false);
  for (const std::string& text : texts) {
    for (const char* q : queries) {
      for (size_t chars : {20, 80, 200, 1000}) {
        CAPTURE(q);
        CAPTURE(chars);
        const auto a = snip(fast, text, q, chars, Lang::und);
        const auto b = snip(icu, text, q, chars, Lang::und);
        CHECK(a.text == b.text);
        CHECK(a.marks == b.marks);
      }
    }
  }
}
