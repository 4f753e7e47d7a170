// The lexicon table (common/lexicon.h): lookups of translations and of
// words' languages by binary search on a small table, refusal of what is
// not a table, the table the build generated from apertium-eng-spa, and
// reads from many threads at once.
#include "common/lexicon.h"

#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

#include "common/analyzer.h"
#include "test_util.h"

using bilex::Lang;
using bilex::Lexicon;

namespace {

// "text:stem|text:stem…" for the translations of `key`.
std::string joined(const Lexicon& lx, Lang from, const std::string& key) {
  std::string out;
  for (const bilex::Translation& t : lx.translate(from, key)) {
    if (!out.empty()) out += '|';
    out += std::string(t.text) + ":" + std::string(t.stem);
  }
  return out;
}

const char* const kSmallTable =
    "en\tb\tbe:b\n"
    "en\tborder\tfrontera:fronter\tborde:bord\n"
    "en\tborder wall\tmuro fronterizo:\n"
    "en\tunit state\tEstados Unidos:\n"
    "en\twall\tmuro:mur\n"
    "es\tfronter\tborder:border\n"
    "es\tpuert\tdoor:door<puerta\tport:port<puerto\tknock:knock\n"
    "es\tzzz\tlast:last\n"
    "w\tborder\ten\n"
    "w\tborderline\ten\n"
    "w\tfrontera\tes\n";

}  // namespace

TEST_CASE("Lexicon finds every key of a table and nothing else") {
  bilex::test::TempDir dir;
  dir.write("t.lexicon", std::string(Lexicon::kHeader) + "\n" + kSmallTable);
  const Lexicon lx(dir.str("t.lexicon"));
  REQUIRE(lx.available());
  CHECK(lx.note().empty());
  CHECK(joined(lx, Lang::en, "b") == "be:b");
  CHECK(joined(lx, Lang::en, "border") == "frontera:fronter|borde:bord");
  CHECK(joined(lx, Lang::en, "border wall") == "muro fronterizo:");
  CHECK(joined(lx, Lang::en, "unit state") == "Estados Unidos:");
  CHECK(joined(lx, Lang::en, "wall") == "muro:mur");
  CHECK(joined(lx, Lang::es, "fronter") == "border:border");
  CHECK(joined(lx, Lang::es, "zzz") == "last:last");
  // Absent: before the first key, between keys, after the last, a prefix
  // of a key, the other language's key, empty.
  for (const char* key : {"a", "bord", "border w", "c", "zzzz", ""})
    CHECK_MESSAGE(lx.translate(Lang::en, key).empty(), key);
  CHECK(lx.translate(Lang::es, "border").empty());
  CHECK(lx.translate(Lang::en, "fronter").empty());
  // The words of one language only; any other word is und.
  CHECK(lx.word_language("border") == Lang::en);
  CHECK(lx.word_language("borderline") == Lang::en);
  CHECK(lx.word_language("frontera") == Lang::es);
  for (const char* word : {"borde", "b", "wall", "zzz", "frontier", ""})
    CHECK_MESSAGE(lx.word_language(word) == Lang::und, word);
  // The word each translation translates, where the line says it.
  const auto doors = lx.translate(Lang::es, "puert");
  REQUIRE(doors.size() == 3);
  CHECK(doors[0].text == "door");
  CHECK(doors[0].stem == "door");
  CHECK(doors[0].source == "puerta");
  CHECK(doors[1].source == "puerto");
  CHECK(doors[2].stem == "knock");
  CHECK(doors[2].source.empty());
  CHECK(lx.translate(Lang::en, "border")[0].source.empty());
  // A word line is no translation, and a translation key no word.
  CHECK(lx.translate(Lang::en, "w").empty());
  CHECK(lx.translate(Lang::en, "frontera").empty());
}

TEST_CASE("Lexicon refuses a missing file or one without its header") {
  bilex::test::TempDir dir;
  const Lexicon missing(dir.str("none.lexicon"));
  CHECK_FALSE(missing.available());
  CHECK(missing.note().find("none.lexicon") != std::string::npos);
  CHECK(missing.translate(Lang::en, "border").empty());
  for (const std::string& content :
       {std::string(kSmallTable), std::string(),
        std::string(Lexicon::kHeader),  // no newline: truncated
        std::string(Lexicon::kHeader) + "\nen\tborder\tfrontera:fronter",
        // A table of the first format (no words' languages): rebuilt.
        std::string("# bilex lexicon 1: apertium-eng-spa bilingual "
                    "dictionaries\nen\tborder\tfrontera:fronter\n"),
        // Of the second (no sources): rebuilt.
        std::string("# bilex lexicon 2: apertium-eng-spa bilingual "
                    "dictionaries and analysers\nen\tborder\tfrontera:"
                    "fronter\n")}) {
    dir.write("bad.lexicon", content);
    const Lexicon bad(dir.str("bad.lexicon"));
    CHECK_FALSE(bad.available());
    CHECK(bad.note().find("bad.lexicon") != std::string::npos);
  }
}

TEST_CASE("the generated lexicon holds apertium-eng-spa's translations") {
  const Lexicon& lx = Lexicon::instance();
  REQUIRE_MESSAGE(lx.available(), lx.note());
  const bilex::Analyzer a;
  auto key = [&](const std::string& word, Lang lang) {
    return a.stem(a.tokenize(word).at(0), lang);
  };
  auto has = [&](Lang from, const std::string& k, const std::string& text) {
    for (const bilex::Translation& t : lx.translate(from, k))
      if (t.text == text) return true;
    return false;
  };
  CHECK(has(Lang::en, key("border", Lang::en), "frontera"));
  CHECK(has(Lang::en, key("deportations", Lang::en), "deportación"));
  CHECK(has(Lang::es, key("migración", Lang::es), "migration"));
  CHECK(has(Lang::es, key("fronteras", Lang::es), "border"));
  // A Spanish word's translations say the word they translate (folded),
  // but a verb's; English words' do not.
  bool puerta = false, verb_unsourced = false;
  for (const bilex::Translation& t :
       lx.translate(Lang::es, key("puertas", Lang::es)))
    puerta |= t.text == "door" && t.source == "puerta";
  for (const bilex::Translation& t :
       lx.translate(Lang::es, key("jugar", Lang::es)))
    verb_unsourced |= t.text == "play" && t.source.empty();
  CHECK(puerta);
  CHECK(verb_unsourced);
  for (const bilex::Translation& t :
       lx.translate(Lang::en, key("border", Lang::en)))
    CHECK(t.source.empty());
  // A multiword unit, translated as a phrase (no stem).
  const std::string us =
      key("united", Lang::en) + " " + key("states", Lang::en);
  bool found = false;
  for (const bilex::Translation& t : lx.translate(Lang::en, us))
    found |= t.text == "Estados Unidos" && t.stem.empty();
  CHECK(found);
  // Which language's analyser alone reads a word, folded as the index's
  // exact terms (accents off, ñ kept).
  auto language = [&](const std::string& word) {
    return lx.word_language(a.tokenize(word).at(0).term);
  };
  CHECK(language("border") == Lang::en);
  CHECK(language("deportations") == Lang::en);
  CHECK(language("frontera") == Lang::es);
  CHECK(language("migración") == Lang::es);
  CHECK(language("niños") == Lang::es);
  CHECK(language("hospital") == Lang::und);  // both
  CHECK(language("figures") == Lang::und);   // both: "que figures"
  CHECK(language("blinken") == Lang::und);   // neither
  // The stems are the analyzer's, as the index holds them.
  for (const bilex::Translation& t :
       lx.translate(Lang::en, key("border", Lang::en)))
    if (t.text == "frontera") CHECK(t.stem == key("frontera", Lang::es));
}

TEST_CASE("one Lexicon answers many threads at once" *
          doctest::test_suite("threads")) {
  const Lexicon& lx = Lexicon::instance();
  REQUIRE_MESSAGE(lx.available(), lx.note());
  const std::vector<std::string> keys{"border", "wall", "deport", "elect",
                                      "nosuchkey"};
  std::vector<std::string> expected;
  std::vector<Lang> languages;
  for (const auto& k : keys) {
    expected.push_back(joined(lx, Lang::en, k));
    languages.push_back(lx.word_language(k));
  }
  std::vector<int> mismatches(8, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int round = 0; round < 200; ++round)
        for (size_t i = 0; i < keys.size(); ++i) {
          mismatches[t] += joined(lx, Lang::en, keys[i]) != expected[i];
          mismatches[t] += lx.word_language(keys[i]) != languages[i];
        }
    });
  for (auto& th : threads) th.join();
  for (int m : mismatches) CHECK(m == 0);
}
