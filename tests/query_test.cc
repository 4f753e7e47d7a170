// The query language: robustness on malformed input, errors for values that
// cannot be understood, and what each construct matches, on an in-memory
// index built with the same Analyzer as the indexer.
#include "common/query.h"

#include <doctest/doctest.h>
#include <xapian.h>

#include <algorithm>
#include <initializer_list>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/lexicon.h"
#include "common/schema.h"
#include "test_util.h"

using bilex::Field;
using bilex::Lang;
using bilex::MatchMode;

namespace {

struct Doc {
  std::string id, title, date;  // date YYYYMMDD or empty
  Lang lang;
  std::string body;
};

// Terms as the indexer writes them: title (prefixed and as body words),
// body, language and date.
Xapian::Document make_doc(const bilex::Analyzer& a, const Doc& d) {
  Xapian::Document doc;
  a.index_article(doc, d.title, d.body, d.lang, nullptr);
  std::string lang_term(bilex::schema::kLang);
  lang_term.append(bilex::lang_code(d.lang));  // (GCC 12 -Wrestrict: no +)
  doc.add_boolean_term(lang_term);
  if (!d.date.empty()) doc.add_value(bilex::schema::kSlotDate, d.date);
  doc.set_data(d.id);
  return doc;
}

// An in-memory index of `docs`.
Xapian::WritableDatabase memory_index(const bilex::Analyzer& a,
                                      std::initializer_list<Doc> docs) {
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  for (const Doc& d : docs) db.add_document(make_doc(a, d));
  return db;
}

// The lexicon, which the bridging tests require.
const bilex::Lexicon& required_lexicon() {
  const bilex::Lexicon& lexicon = bilex::Lexicon::instance();
  REQUIRE_MESSAGE(lexicon.available(), lexicon.note());
  return lexicon;
}

class Fixture {
 public:
  Fixture() : db_(std::string(), Xapian::DB_BACKEND_INMEMORY) {
    const Doc docs[] = {
        {"border-en", "Border talks", "20240119", Lang::en,
         "Blinken and Bárcena discussed migrants crossing the border with "
         "Mexico."},
        {"frontera-es", "Frontera norte", "20240228", Lang::es,
         "Los migrantes cruzan la frontera de México; la comunicación "
         "continúa."},
        {"causes-en", "", "20231201", Lang::en,
         "The root causes of migration are poverty and violence."},
        {"reversed-en", "", "", Lang::en,
         "Causes of the root rot in vegetables near the border fence."},
        {"names-en", "Other news", "20240305", Lang::en,
         "Liz Sherwood-Randall met officials from Mexico."},
    };
    for (const Doc& d : docs) db_.add_document(make_doc(analyzer_, d));
  }

  bilex::ParsedQuery parse(const std::string& q,
                           MatchMode mode = MatchMode::ranked) const {
    return bilex::parse_query(q, analyzer_, &db_, mode);
  }

  // Ids (sorted, space-separated) matched by the strict query and filter.
  std::string match(const Xapian::Query& strict, const Xapian::Query& filter) {
    if (strict.empty()) return "";
    Xapian::Query q = strict;
    if (!filter.empty())
      q = Xapian::Query(Xapian::Query::OP_FILTER, strict, filter);
    Xapian::Enquire e(db_);
    e.set_query(q);
    const Xapian::MSet m = e.get_mset(0, 100);
    std::vector<std::string> ids;
    for (auto it = m.begin(); it != m.end(); ++it)
      ids.push_back(it.get_document().get_data());
    std::sort(ids.begin(), ids.end());
    return bilex::test::join(ids);
  }

  std::string match(const std::string& q, MatchMode mode = MatchMode::ranked) {
    const auto pq = parse(q, mode);
    return match(pq.strict, pq.filter);
  }

  const bilex::Analyzer& analyzer() const { return analyzer_; }
  Xapian::Database& db() { return db_; }

 private:
  bilex::Analyzer analyzer_;
  Xapian::WritableDatabase db_;
};

// Labels of the highlight groups, space-separated.
std::string group_words(const bilex::ParsedQuery& pq) {
  std::vector<std::string> out;
  for (const auto& g : pq.groups) {
    if (!g.phrase.empty()) {
      std::string quoted = "\"";  // (append: GCC 12 -Wrestrict false alarm)
      quoted.append(bilex::test::join(g.phrase)).append("\"");
      out.push_back(std::move(quoted));
    } else if (!g.prefix.empty()) {
      out.push_back(std::string(g.prefix).append("*"));
    } else {
      out.push_back(bilex::test::join(g.exact, "|"));
    }
  }
  return bilex::test::join(out);
}

}  // namespace

TEST_CASE("parse_query never throws on malformed input") {
  Fixture f;
  const std::string cases[] = {
      "((",
      ")",
      "(",
      "())",
      ")(",
      "\"unterminated",
      "\"",
      "\"\"",
      "OR",
      "NOT",
      "AND",
      "-",
      "--",
      "+",
      "*",
      "**",
      "title:",
      "title:\"",
      "title:(",
      "lang:",
      "date:",
      "date:..",
      "",
      "   ",
      "OR OR OR",
      "NOT NOT x",
      "a OR",
      "OR a",
      "a AND",
      "x -",
      "(a OR (b",
      "a) OR (b",
      "\"a b",
      "-\"",
      "-(",
      "title:title:x",
      ":",
      "::",
      "x:y",
      "a|b&c",
      "| &",
      "\xff\xfe",
      "\"\xff\"",
      "\U0001F600",
      "北京大学",
      "-*",
      "x*y",
      "*x",
      "(((((((((((((((((((((((((((x",
      ")))))))))))))))))))))))))))))x",
  };
  for (const std::string& q : cases) {
    CAPTURE(q);
    bilex::ParsedQuery pq;
    REQUIRE_NOTHROW(pq = f.parse(q));
    // Whatever came out must run.
    CHECK_NOTHROW((void)f.match(pq.strict, pq.filter));
    if (!pq.relaxed.empty())
      CHECK_NOTHROW((void)f.match(pq.relaxed, pq.filter));
  }
}

TEST_CASE("parse_query survives random bytes and random operator soup") {
  Fixture f;
  std::mt19937 rng(20240119);
  for (int round = 0; round < 20; ++round) {
    std::string bytes(1000, '\0');
    for (char& c : bytes) c = static_cast<char>(rng() % 256);
    CAPTURE(round);
    bilex::ParsedQuery pq;
    try {
      pq = f.parse(bytes);
    } catch (const bilex::QueryError&) {
      continue;  // "lang:" or "date:" by chance: a clean error is fine
    }
    CHECK_NOTHROW((void)f.match(pq.strict, pq.filter));
  }
  const char* pieces[] = {"(",      ")", "\"",      "OR",          "AND",
                          "NOT",    "-", "*",       "title:",      "border",
                          "México", "x", " ",       " ",           "|",
                          "&",      "+", "lang:es", "date:2024..", "causas"};
  for (int round = 0; round < 300; ++round) {
    std::string q;
    const size_t n = rng() % 12;
    for (size_t i = 0; i < n; ++i) {
      q += pieces[rng() % std::size(pieces)];
      if (rng() % 2) q += ' ';
    }
    CAPTURE(q);
    bilex::ParsedQuery pq;
    try {
      pq = f.parse(q);
    } catch (const bilex::QueryError&) {
      continue;  // e.g. "lang:eslang:es": a clean one-line error
    }
    CHECK_NOTHROW((void)f.match(pq.strict, pq.filter));
  }
}

TEST_CASE("parse_query throws QueryError for values it cannot understand") {
  Fixture f;
  const std::string cases[] = {
      "lang:xx",         "border lang:fr",
      "LANG:xx",         "date:2024-99-01..",
      "date:2024-02-30", "date:..2024-13",
      "date:abc",        "date:2024-01-01..tomorrow",
      "date:20240101",
  };
  for (const std::string& q : cases) {
    CAPTURE(q);
    CHECK_THROWS_AS((void)f.parse(q), bilex::QueryError);
  }
}

TEST_CASE("parse_query refuses queries over the limits, and only those") {
  Fixture f;
  std::string words;
  for (size_t i = 0; i < bilex::kMaxQueryWords; ++i) words += "w ";
  CHECK_NOTHROW((void)f.parse(words));
  CHECK_THROWS_WITH_AS((void)f.parse(words + "w"),
                       "query too long: more than 1024 words",
                       bilex::QueryError);
  // Words inside phrases and OR lists count too.
  CHECK_THROWS_AS((void)f.parse("\"" + words + "\" OR w"), bilex::QueryError);
  const std::string big(bilex::kMaxQueryBytes, 'x');
  CHECK_NOTHROW((void)f.parse(big));  // one long word
  CHECK_THROWS_WITH_AS((void)f.parse(big + "x"),
                       "query too long: 65537 bytes (at most 65536)",
                       bilex::QueryError);
}

TEST_CASE("parse_query accepts filters") {
  Fixture f;
  const std::string cases[] = {
      "lang:es",           "lang:EN",           "lang:und",
      "date:2024",         "date:2024-01",      "date:2024-01-01..2024-02-28",
      "date:2024-01-01..", "date:..2024-02-28", "LANG:es border",
  };
  for (const std::string& q : cases) {
    CAPTURE(q);
    bilex::ParsedQuery pq;
    REQUIRE_NOTHROW(pq = f.parse(q));
    CHECK_FALSE(pq.filter.empty());
    CHECK(pq.groups.empty() == (q.find("border") == std::string::npos));
  }
}

TEST_CASE("what each construct matches") {
  Fixture f;
  struct Case {
    std::string query;
    std::string ids;  // sorted
  };
  const Case cases[] = {
      // Words: exact, stem, accent- and case-insensitive.
      {"border", "border-en reversed-en"},
      {"BORDER", "border-en reversed-en"},
      {"cross", "border-en"},
      {"crossed", "border-en"},
      // Queries reach both languages: "migrante" -> en "migrant" too.
      {"migrante", "border-en frontera-es"},
      {"migrantes", "border-en frontera-es"},
      {"barcena", "border-en"},
      {"BÁRCENA", "border-en"},
      {"mexico", "border-en frontera-es names-en"},
      {"méxico", "border-en frontera-es names-en"},
      {"comunicacion", "frontera-es"},
      // Every word required (strict part of the ranked mode).
      {"border mexico", "border-en"},
      {"border AND mexico", "border-en"},
      // OR, NOT, -word, parentheses.
      {"border OR frontera", "border-en frontera-es reversed-en"},
      {"border | frontera", "border-en frontera-es reversed-en"},
      {"mexico -border", "frontera-es names-en"},
      {"mexico NOT border", "frontera-es names-en"},
      {"(border OR frontera) mexico", "border-en frontera-es"},
      {"NOT border", "causes-en frontera-es names-en"},
      // Phrases: exact, in order.
      {"\"root causes\"", "causes-en"},
      {"root causes", "causes-en reversed-en"},
      {"\"causes of the root\"", "reversed-en"},
      {"\"crossing the border\"", "border-en"},
      {"\"crossed the border\"", ""},  // phrases are not stemmed
      {"Sherwood-Randall", "names-en"},
      {"\"sherwood randall\"", "names-en"},
      {"\"randall sherwood\"", ""},
      // Prefixes.
      {"migr*", "border-en causes-en frontera-es"},
      {"Sherw*", "names-en"},
      // Fields and filters.
      {"title:border", "border-en"},
      {"title:frontera", "frontera-es"},
      {"title:mexico", ""},
      {"title:\"border talks\"", "border-en"},
      {"lang:es mexico", "frontera-es"},
      {"lang:en mexico", "border-en names-en"},
      {"lang:es", "frontera-es"},
      {"date:2024-01-01..2024-01-31 mexico", "border-en"},
      {"date:2024 mexico", "border-en frontera-es names-en"},
      {"date:..2023", "causes-en"},
      {"date:2024-02..", "frontera-es names-en"},
      // Stopwords alone still match (the "the who" case).
      {"the", "border-en causes-en reversed-en"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.query);
    CHECK(f.match(c.query) == c.ids);
  }
}

TEST_CASE("a query's language, told by its function words") {
  Fixture f;
  struct Case {
    std::string query;
    Lang lang;
  };
  const Case cases[] = {
      {"how many points did the panthers defense surrender", Lang::en},
      {"cuántos puntos dejaron escapar en defensa los panthers", Lang::es},
      {"\"state of the union\"", Lang::en},
      {"title:(the border of mexico)", Lang::en},
      {"the union OR the state", Lang::en},
      // Keyword queries stay bilingual.
      {"Blinken frontera", Lang::und},
      {"the border", Lang::und},  // one function word is not enough
      // Operators and the values of lang: and date: are not words ("or"
      // and "not" are English function words, "es" and "en" Spanish).
      {"the border OR frontera", Lang::und},
      {"the border NOT frontera", Lang::und},
      {"lang:es el border", Lang::und},
      {"lang:(es) el border", Lang::und},
      {"border lang:(en OR es)", Lang::und},
      // Nor are the words a query excludes.
      {"-the -of defensa", Lang::und},
      {"defensa NOT (the of)", Lang::und},
      {"defensa -(the of)", Lang::und},
      // Both languages' function words, neither three times the other's.
      {"el presidente de the united states", Lang::und},
      // Words that are a stopword in both languages ("a", "no") tell none.
      {"a no a no", Lang::und},
  };
  for (const Case& c : cases) {
    CAPTURE(c.query);
    CHECK(f.parse(c.query).lang == c.lang);
  }
}

TEST_CASE("with the lexicon, a keyword query's words of one language tell it") {
  const bilex::Lexicon& lexicon = required_lexicon();
  bilex::Analyzer a;
  Xapian::WritableDatabase db = memory_index(a, {});
  auto lang = [&](const std::string& q, const bilex::Lexicon* lx) {
    return bilex::parse_query(q, a, &db, MatchMode::ranked, lx).lang;
  };
  struct Case {
    std::string query;
    Lang lang;
  };
  const Case cases[] = {
      {"border wall", Lang::en},
      {"many points panthers defense surrender", Lang::en},
      {"muro fronterizo", Lang::es},
      {"deportaciones de niños", Lang::es},
      {"the border", Lang::en},  // a function word and a content word
      // One word is not enough, nor words both languages or neither have.
      {"border", Lang::und},
      {"Blinken frontera", Lang::und},
      {"hospital general", Lang::und},
      // Three times as many of one language as of the other.
      {"border wall frontera", Lang::und},
      {"border wall fence frontera", Lang::en},
      // Words the query excludes tell nothing.
      {"-border -wall frontera", Lang::und},
  };
  for (const Case& c : cases) {
    CAPTURE(c.query);
    CHECK(lang(c.query, &lexicon) == c.lang);
    // Without the lexicon, only function words tell it.
    if (c.query == "border wall") CHECK(lang(c.query, nullptr) == Lang::und);
  }
}

TEST_CASE(
    "bridging: a word of one language is not translated out of the other") {
  const bilex::Lexicon& lexicon = required_lexicon();
  bilex::Analyzer a;
  Xapian::WritableDatabase db = memory_index(a, {});
  // "border" alone leaves the query's language und, so both ways are
  // tried; but it is no Spanish word ("bordar", "borde" share its Spanish
  // stem), so it is translated into Spanish only.
  const auto pq =
      bilex::parse_query("border", a, &db, MatchMode::ranked, &lexicon);
  REQUIRE(pq.lang == Lang::und);
  REQUIRE(pq.groups.size() == 1);
  REQUIRE_FALSE(pq.groups[0].bridged.empty());
  for (const auto& w : pq.groups[0].bridged) {
    CAPTURE(w.text);
    CHECK(w.lang == Lang::es);
  }
  // And back: "molde" is no English word, though its English stem is
  // that of "mold" (moldura): translated into English only.
  const auto back =
      bilex::parse_query("molde", a, &db, MatchMode::ranked, &lexicon);
  REQUIRE(back.groups.size() == 1);
  REQUIRE_FALSE(back.groups[0].bridged.empty());
  for (const auto& w : back.groups[0].bridged) {
    CAPTURE(w.text);
    CHECK(w.lang == Lang::en);
  }
  // A Spanish function word that is an English word too is translated
  // out of English: "son" (they are; a son).
  const auto son = bilex::parse_query("the name of his son", a, &db,
                                      MatchMode::ranked, &lexicon);
  bool hijo = false;
  for (const auto& g : son.groups)
    for (const auto& w : g.bridged) hijo |= w.text == "hijo";
  CHECK(hijo);
  // A phrase's own entry is translated whatever its words: "al" and "de"
  // are not English, "cul" no Spanish word.
  for (const auto& [phrase, lang] :
       {std::pair{"\"al azar\"", Lang::en}, {"\"cul de sac\"", Lang::es}}) {
    CAPTURE(phrase);
    const auto p =
        bilex::parse_query(phrase, a, &db, MatchMode::ranked, &lexicon);
    REQUIRE(p.groups.size() == 1);
    CHECK(std::any_of(p.groups[0].bridged.begin(), p.groups[0].bridged.end(),
                      [&](const auto& w) { return w.lang == lang; }));
  }
}

TEST_CASE(
    "bridging: a Spanish word is translated as itself, not as another "
    "word of its stem") {
  const bilex::Lexicon& lexicon = required_lexicon();
  bilex::Analyzer a;
  Xapian::WritableDatabase db = memory_index(a, {});
  auto translations = [&](const std::string& q) {
    const auto p = bilex::parse_query(q, a, &db, MatchMode::ranked, &lexicon);
    REQUIRE(p.groups.size() == 1);
    std::set<std::string> out;
    for (const auto& w : p.groups[0].bridged) out.insert(w.text);
    return out;
  };
  // "deportaciones" stems as deporte (sport) and deportista do; "puertas"
  // as puerto (port); "polonia" as polonio (polonium).
  const auto deport = translations("deportaciones");
  CHECK(deport.count("deportation") == 1);
  CHECK(deport.count("sport") == 0);
  CHECK(deport.count("sportsman") == 0);
  const auto doors = translations("puertas");
  CHECK(doors.count("door") == 1);
  CHECK(doors.count("port") == 0);
  CHECK(translations("puertos").count("port") == 1);
  CHECK(translations("polonia").count("polonium") == 0);
  // "salud" (health) is a listed word: saludo (greeting), which shares
  // nothing with it beyond the stem "salud", is dropped.
  const auto health = translations("salud");
  CHECK(health.count("health") == 1);
  CHECK(health.count("greeting") == 0);
  // A word's own family stays: "partido" (match) keeps partida (game).
  CHECK(translations("partido").count("game") == 1);
  CHECK(translations("partido").count("childbirth") == 0);
  // A word the lexicon does not list as such keeps every translation:
  // "nueva" (nuevo, nuevamente).
  CHECK(translations("nueva").count("new") == 1);
  // A verb's forms keep its translations: "jugó" (jugar) still searches
  // "play", though "jugo" (juice) is spelled as it without its accent.
  CHECK(translations("jugó").count("play") == 1);
  // English stems keep a word's family together: "elections" also
  // searches the translations of "elect" (electo, elegido), not only
  // elección and the verb elegir.
  CHECK(translations("elections").size() >= 3);
}

TEST_CASE("a query in one language weighs the other language's stems less") {
  bilex::Analyzer a;
  Xapian::WritableDatabase db = memory_index(
      a, {{"defensa-es", "", "", Lang::es, "La defensa de la defensa."},
          {"defense-en", "", "", Lang::en, "A defense of the city walls."},
          {"other-en", "", "", Lang::en, "Rain in the city."},
          {"migrants-en", "", "", Lang::en, "Migrants crossed the river."}});
  // The score of document `id` for `q`'s strict query, BM25 as searched.
  auto score = [&](const std::string& q, const std::string& id) {
    const auto pq = bilex::parse_query(q, a, &db, MatchMode::any);
    Xapian::Enquire e(db);
    e.set_query(pq.strict);
    const Xapian::MSet m = e.get_mset(0, 10);
    for (auto it = m.begin(); it != m.end(); ++it)
      if (it.get_document().get_data() == id) return it.get_weight();
    return 0.0;
  };
  // The Spanish article matches "defense" through its Spanish stem only.
  const double keyword = score("defense", "defensa-es");
  REQUIRE(keyword > 0);
  CHECK(score("the defense of the", "defensa-es") ==
        doctest::Approx(keyword * 0.5));
  // The English article's own stems keep their weight: the English
  // question ranks it first, the keyword query finds both.
  CHECK(score("the defense of the", "defense-en") >
        score("the defense of the", "defensa-es"));
  CHECK(score("defense", "defense-en") > 0);
  // The question's own function words are not searched as words of the
  // other language; in a keyword query they are.
  auto terms_of = [&](const std::string& q) {
    const auto pq = bilex::parse_query(q, a, &db, MatchMode::any);
    return std::set<std::string>(pq.strict.get_unique_terms_begin(),
                                 pq.strict.get_unique_terms_end());
  };
  CHECK(terms_of("the defense of the").count("ZSthe") == 0);
  CHECK(terms_of("the defense of the").count("the") == 1);
  CHECK(terms_of("the defense").count("ZSthe") == 1);
  // Nor highlighted as such: the group of "the" has no stems left.
  const auto pq =
      bilex::parse_query("the defense of the", a, &db, MatchMode::any);
  REQUIRE(pq.groups.size() == 4);
  CHECK(pq.groups[0].exact == std::vector<std::string>{"the"});
  CHECK(pq.groups[0].stems.empty());
  CHECK(!pq.groups[1].stems.empty());
  // And the other way round ("migrantes" has the English stem "migrant").
  const double es_keyword = score("migrantes", "migrants-en");
  REQUIRE(es_keyword > 0);
  CHECK(score("los migrantes de la", "migrants-en") ==
        doctest::Approx(es_keyword * 0.5));
}

// Regression: a negated phrase or parenthesised group loses its negation: the
// lexer resets the pending "-" when the chunk before the quote or
// parenthesis is empty, so -"root causes" REQUIRES the phrase.
TEST_CASE("-\"phrase\" and -(group) exclude") {
  Fixture f;
  CHECK(f.match("causes -\"root causes\"") == "reversed-en");
  CHECK(f.match("mexico -(border)") == "frontera-es names-en");
  CHECK(f.match("mexico -(border OR frontera)") == "names-en");
}

// Regression: title:(...) drops the field: the lexer clears the pending field
// at
// "(", so title:(border talks) searches the body.
TEST_CASE("title:(words) searches the title") {
  Fixture f;
  CHECK(f.match("title:(border talks)") == "border-en");
  CHECK(f.match("title:(mexico)") == "");
}

// Regression: -lang:es is taken as lang:es (a filter ignores its negation); it
// should exclude Spanish documents (or be refused with a QueryError).
TEST_CASE("-lang:es excludes Spanish documents") {
  Fixture f;
  bilex::ParsedQuery pq;
  try {
    pq = f.parse("mexico -lang:es");
  } catch (const bilex::QueryError&) {
    return;  // refusing it is acceptable too
  }
  CHECK(f.match(pq.strict, pq.filter) == "border-en names-en");
}

TEST_CASE("ranked mode: partial matches come from the relaxed query") {
  Fixture f;
  SUBCASE("ranked") {
    const auto pq = f.parse("border zzzunknown", MatchMode::ranked);
    CHECK(f.match(pq.strict, pq.filter).empty());
    REQUIRE_FALSE(pq.relaxed.empty());
    CHECK(f.match(pq.relaxed, pq.filter) == "border-en reversed-en");
  }
  SUBCASE("all") {
    const auto pq = f.parse("border zzzunknown", MatchMode::all);
    CHECK(f.match(pq.strict, pq.filter).empty());
    CHECK(pq.relaxed.empty());
  }
  SUBCASE("any") {
    const auto pq = f.parse("border zzzunknown", MatchMode::any);
    CHECK(f.match(pq.strict, pq.filter) == "border-en reversed-en");
  }
  SUBCASE("relaxed keeps negations and filters") {
    const auto pq = f.parse("mexico zzzunknown -border lang:en");
    REQUIRE_FALSE(pq.relaxed.empty());
    CHECK(f.match(pq.relaxed, pq.filter) == "names-en");
  }
  SUBCASE("a single word has no relaxed query") {
    CHECK(f.parse("border").relaxed.empty());
  }
}

TEST_CASE("highlight groups: positive words, phrases and prefixes only") {
  Fixture f;
  struct Case {
    std::string query;
    std::string groups;
  };
  const Case cases[] = {
      {"cross", "cross"},
      {"Cross BORDER", "cross border"},
      {"\"root causes\"", "\"root causes\""},
      {"Sherwood-Randall", "\"sherwood randall\""},
      {"migr*", "migr*"},
      {"border -wall", "border"},
      {"lang:es border", "border"},
      {"date:2024 border", "border"},
      {"border OR frontera", "border frontera"},
      {"title:border", "border"},
      {"", ""},
  };
  for (const Case& c : cases) {
    CAPTURE(c.query);
    CHECK(group_words(f.parse(c.query)) == c.groups);
  }
  // Stems are kept per language, for the snippet highlighter.
  const auto pq = f.parse("crossing");
  REQUIRE(pq.groups.size() == 1);
  const auto& stems = pq.groups[0].stems;
  CHECK(std::find(stems.begin(), stems.end(),
                  std::pair<Lang, std::string>{Lang::en, "cross"}) !=
        stems.end());
}

// Regression: words after NOT become highlight groups ("NOT border" marks
// "border" in snippets), unlike -border.
TEST_CASE("highlight groups: NOT words are not highlighted") {
  Fixture f;
  CHECK(group_words(f.parse("mexico NOT border")) == "mexico");
  CHECK(group_words(f.parse("mexico NOT (border OR fence)")) == "mexico");
}

TEST_CASE("date_range") {
  CHECK(bilex::date_range("", "").get_type() == Xapian::Query::LEAF_MATCH_ALL);
  CHECK(bilex::date_range("20240101", "").get_description().find("VALUE_GE") !=
        std::string::npos);
  CHECK(bilex::date_range("", "20240101").get_description().find("VALUE_LE") !=
        std::string::npos);
  CHECK(bilex::date_range("20240101", "20241231")
            .get_description()
            .find("VALUE_RANGE") != std::string::npos);
}

TEST_CASE("bridging: a word also searches its translations, weighted lower") {
  const bilex::Lexicon& lexicon = required_lexicon();
  bilex::Analyzer a;
  Xapian::WritableDatabase db = memory_index(
      a, {{"muro-es", "", "", Lang::es, "Construyen un muro en la frontera."},
          {"wall-en", "", "", Lang::en, "They build a wall on the border."},
          {"rain-en", "", "", Lang::en, "Rain in the city."}});
  auto ranked = [&](const std::string& q, const bilex::Lexicon* lx) {
    const auto pq = bilex::parse_query(q, a, &db, MatchMode::ranked, lx);
    Xapian::Enquire e(db);
    e.set_query(pq.strict);
    std::vector<std::string> ids;
    const Xapian::MSet m = e.get_mset(0, 10);
    for (auto it = m.begin(); it != m.end(); ++it)
      ids.push_back(it.get_document().get_data());
    return bilex::test::join(ids);
  };
  // Without the lexicon each language finds its own article only; with it,
  // both, the query's own language first.
  CHECK(ranked("border", nullptr) == "wall-en");
  CHECK(ranked("border", &lexicon) == "wall-en muro-es");
  CHECK(ranked("frontera", nullptr) == "muro-es");
  CHECK(ranked("frontera", &lexicon) == "muro-es wall-en");
  CHECK(ranked("wall border", &lexicon) == "wall-en muro-es");
  CHECK(ranked("muro frontera", &lexicon) == "muro-es wall-en");
  CHECK(ranked("rain", &lexicon) == "rain-en");
  // What was searched: the translation, its language, its weight, and its
  // stem among the group's stems (for the highlighter).
  const auto pq =
      bilex::parse_query("border", a, &db, MatchMode::ranked, &lexicon);
  REQUIRE(pq.groups.size() == 1);
  const bilex::MatchGroup& g = pq.groups[0];
  const auto b =
      std::find_if(g.bridged.begin(), g.bridged.end(),
                   [](const auto& w) { return w.text == "frontera"; });
  REQUIRE(b != g.bridged.end());
  CHECK(b->lang == Lang::es);
  CHECK(b->weight == doctest::Approx(bilex::kBridgeWeight));
  CHECK(b->terms == std::vector<std::string>{"ZSfronter"});
  CHECK(std::count(g.stems.begin(), g.stems.end(),
                   std::pair<Lang, std::string>{Lang::es, "fronter"}) == 1);
  // An English question is bridged into Spanish only; a stopword, a
  // negated word and a name with no entry are not bridged.
  for (const auto& gr : bilex::parse_query("the border of the", a, &db,
                                           MatchMode::ranked, &lexicon)
                            .groups)
    for (const auto& w : gr.bridged) CHECK(w.lang == Lang::es);
  for (const std::string q : {"the", "rain -border", "Blinken"}) {
    const auto p = bilex::parse_query(q, a, &db, MatchMode::ranked, &lexicon);
    for (const auto& gr : p.groups)
      if (gr.label != "rain") CHECK_MESSAGE(gr.bridged.empty(), q);
  }
}

TEST_CASE("bridging: term frequencies come from TermStats when given") {
  const bilex::Lexicon& lexicon = required_lexicon();
  bilex::Analyzer a;
  Xapian::WritableDatabase db = memory_index(
      a, {{"wall-en", "", "", Lang::en, "They build a wall on the border."}});
  // The index holds one document; the stats say the translations are 100
  // times rarer than "border" in 10,000 documents, so that they weigh less.
  std::vector<std::string> asked;
  const bilex::TermStats stats{
      [&](const std::string& t) {
        asked.push_back(t);
        return Xapian::doccount{t == "ZEborder" ? 1000u : 10u};
      },
      10000};
  const auto pq =
      bilex::parse_query("border", a, &db, MatchMode::ranked, &lexicon, &stats);
  CHECK(std::count(asked.begin(), asked.end(), "ZEborder") > 0);
  CHECK(std::count(asked.begin(), asked.end(), "ZSfronter") > 0);
  REQUIRE(pq.groups.size() == 1);
  for (const auto& w : pq.groups[0].bridged) {
    if (w.lang != Lang::es) continue;
    CHECK(w.weight > 0);
    CHECK(w.weight < 0.6 * bilex::kBridgeWeight);
  }
}

TEST_CASE("bridging: a multiword entry bridges a phrase as a phrase") {
  const bilex::Lexicon& lexicon = required_lexicon();
  bilex::Analyzer a;
  Xapian::WritableDatabase db = memory_index(
      a, {{"eeuu-es", "", "", Lang::es, "Los Estados Unidos y México."},
          {"split-es", "", "", Lang::es, "Unidos por los estados del norte."}});
  const auto pq = bilex::parse_query("\"United States\"", a, &db,
                                     MatchMode::ranked, &lexicon);
  REQUIRE(pq.groups.size() == 1);
  bool phrase = false;
  for (const auto& w : pq.groups[0].bridged)
    phrase |= w.terms == std::vector<std::string>{"estados", "unidos"};
  CHECK(phrase);
  Xapian::Enquire e(db);
  e.set_query(pq.strict);
  const Xapian::MSet m = e.get_mset(0, 10);
  REQUIRE(m.size() == 1);
  CHECK(m.begin().get_document().get_data() == "eeuu-es");
}
