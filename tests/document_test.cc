// The document model: text articles (metadata in the order of docs/formats.md),
// JSON Lines records, dates, stored form, display title.

#include "common/document.h"

#include <doctest/doctest.h>
#include <zdict.h>
#include <zstd.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/article.h"
#include "common/date.h"
#include "common/error.h"
#include "common/hash.h"
#include "common/stored.h"
#include "common/unicode.h"
#include "test_util.h"

using bilex::Lang;

namespace {

std::string corpus_file(const std::string& name) {
  return bilex::test::read_file(std::string(BILEX_CORPUS_DIR) + "/" + name);
}

// Checks every field of `d` against `want`.
void check_fields(const bilex::Document& d, const bilex::Document& want) {
  CHECK(d.id == want.id);
  CHECK(d.title == want.title);
  CHECK(d.date == want.date);
  CHECK(d.lang == want.lang);
  CHECK(d.lang_given == want.lang_given);
  CHECK(d.body == want.body);
}

}  // namespace

TEST_CASE("parse_iso_date") {
  struct Case {
    std::string in;
    std::optional<std::string> out;
  };
  const Case cases[] = {
      {"2024-01-19", "2024-01-19"},
      {" 2024-01-19 ", "2024-01-19"},
      {"2024-02-29", "2024-02-29"},  // leap year
      {"2000-02-29", "2000-02-29"},  // divisible by 400
      {"2024-12-31", "2024-12-31"},
      {"2024-01-19 23:10:56", "2024-01-19"},  // with a time
      {"2024-01-19T23:10:56Z", "2024-01-19"},
      {"2023-02-29", std::nullopt},  // not a leap year
      {"1900-02-29", std::nullopt},  // divisible by 100
      {"2024-13-01", std::nullopt},
      {"2024-00-10", std::nullopt},
      {"2024-04-31", std::nullopt},
      {"2024-01-00", std::nullopt},
      {"2024-01-32", std::nullopt},
      {"2024-99-01", std::nullopt},
      {"2024-1-19", std::nullopt},
      {"24-01-19", std::nullopt},
      {"2024/01/19", std::nullopt},
      {"2024-01-19x", std::nullopt},
      {"abcd-ef-gh", std::nullopt},
      {"", std::nullopt},
      {"date", std::nullopt},
  };
  for (const Case& c : cases) {
    CAPTURE(c.in);
    CHECK(bilex::parse_iso_date(c.in) == c.out);
  }
}

TEST_CASE("parse_text_article: front matter") {
  const auto d = bilex::parse_text_article(
      "---\ntitle: \"Hello: a title\"\ndate: 2024-03-05\nlang: es\n"
      "author: someone\n---\n\nEl cuerpo del artículo.\n",
      "dir/a.md");
  check_fields(d, {.id = "dir/a.md",
                   .title = "Hello: a title",
                   .date = "2024-03-05",
                   .lang = Lang::es,
                   .lang_given = true,
                   .body = "El cuerpo del artículo."});
}

TEST_CASE(
    "parse_text_article: front matter with CRLF, single quotes, English") {
  const auto d = bilex::parse_text_article(
      "---\r\ntitle: 'Border talks'\r\nDate: 2024-01-19\r\nlanguage: "
      "English\r\n---\r\nBody text here.\r\n",
      "b.txt");
  CHECK(d.title == "Border talks");
  CHECK(d.date == "2024-01-19");
  CHECK(d.lang == Lang::en);
  CHECK(d.lang_given);
  CHECK(d.body == "Body text here.");
}

TEST_CASE("parse_text_article: front matter with a bad date or language") {
  const auto d = bilex::parse_text_article(
      "---\ntitle: T\ndate: 2023-02-29\nlang: fr\n---\nBody.\n", "c.txt");
  CHECK(d.title == "T");
  CHECK(d.date.empty());
  CHECK(d.lang == Lang::und);
  CHECK_FALSE(d.lang_given);
  CHECK(d.body == "Body.");
}

TEST_CASE("parse_text_article: leading date marker (corpus/000)") {
  const std::string text = corpus_file("000_5076cc95327936f8.txt");
  REQUIRE(text.starts_with(" date 2024-01-19 The Foreign"));
  const auto d = bilex::parse_text_article(text, "000_5076cc95327936f8.txt");
  CHECK(d.date == "2024-01-19");
  CHECK(d.body.starts_with("The Foreign Minister of Mexico, Alicia Bárcena"));
  CHECK(d.body.find("date 2024") == std::string::npos);
  // The first line is a sentence, not a headline: no title.
  CHECK(d.title.empty());
  CHECK(bilex::display_title(d) == "000_5076cc95327936f8.txt");
  CHECK_FALSE(d.lang_given);
}

TEST_CASE("parse_text_article: date marker variants") {
  struct Case {
    std::string text;
    std::string date, body;
  };
  const Case cases[] = {
      {"date 2024-01-19 Body", "2024-01-19", "Body"},
      {"date 2024-01-19\n\nBody text.", "2024-01-19", "Body text."},
      {"\n\n date 2024-01-19 Body", "2024-01-19", "Body"},
      // An invalid date is not a marker: the text stays.
      {"date 2024-02-30 Body text", "", "date 2024-02-30 Body text"},
      {"dated 2024-01-19 Body text", "", "dated 2024-01-19 Body text"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    const auto d = bilex::parse_text_article(c.text, "x.txt");
    CHECK(d.date == c.date);
    CHECK(d.body == c.body);
  }
}

TEST_CASE("parse_text_article: headline, then an ISO date line (corpus/002)") {
  const auto d = bilex::parse_text_article(
      corpus_file("002_a3d27affe04262f3.txt"), "002_a3d27affe04262f3.txt");
  CHECK(d.title ==
        "US-Mexico Migration Cooperation Summit: Strengthening Border "
        "Security and Collaboration");
  CHECK(d.date == "2024-02-28");
  CHECK(d.body.starts_with("The United States seeks to contain"));
  CHECK(d.body.find("23:10:56") == std::string::npos);
}

TEST_CASE("parse_text_article: ISO date alone on one of the first lines") {
  struct Case {
    std::string text;
    std::string title, date, body;
  };
  const Case cases[] = {
      {"2024-01-19\nHeadline here\nBody.", "Headline here", "2024-01-19",
       "Body."},
      {"Headline\n2024-01-19T10:00:00Z\nBody", "Headline", "2024-01-19",
       "Body"},
      {"Headline\n\n2024-02-28 23:10:56\n\nBody.", "Headline", "2024-02-28",
       "Body."},
      // A date inside a sentence is not metadata.
      {"Headline\nOn 2024-01-19 the talks began.", "Headline", "",
       "On 2024-01-19 the talks began."},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    const auto d = bilex::parse_text_article(c.text, "x.txt");
    CHECK(d.title == c.title);
    CHECK(d.date == c.date);
    CHECK(d.body == c.body);
  }
}

TEST_CASE("parse_text_article: headline first line (corpus/001, 003)") {
  const auto d1 = bilex::parse_text_article(
      corpus_file("001_23b589e46890e87e.txt"), "001_23b589e46890e87e.txt");
  CHECK(d1.title ==
        "U.S., Mexico and Guatemala step up cooperation to control migrant "
        "arrivals at southern border");
  CHECK(d1.date.empty());
  CHECK(d1.body.starts_with("U.S. Secretary of State Antony Blinken"));
  CHECK(bilex::display_title(d1) == d1.title);

  const auto d3 = bilex::parse_text_article(
      corpus_file("003_a7f6052367893f48.txt"), "003_a7f6052367893f48.txt");
  CHECK(d3.title ==
        "Mexico and the USA are pushing forward an immigration policy");
}

TEST_CASE(
    "parse_text_article: a sentence as first line is no title "
    "(corpus/004)") {
  const auto d = bilex::parse_text_article(
      corpus_file("004_54082ad3b2e1e8f7.txt"), "004_54082ad3b2e1e8f7.txt");
  CHECK(d.title.empty());
  CHECK(d.date.empty());
  CHECK(d.body.starts_with("Representantes de los gobierno de México"));
  CHECK(bilex::display_title(d) == "004_54082ad3b2e1e8f7.txt");
}

TEST_CASE("parse_text_article: small shapes") {
  struct Case {
    std::string text;
    std::string title, body;
  };
  const Case cases[] = {
      // One line and nothing after it: it is the body, not a title.
      {"Just one line without newline", "", "Just one line without newline"},
      {"Headline\n\nBody.", "Headline", "Body."},
      {"\xEF\xBB\xBFHeadline\nBody", "Headline", "Body"},  // BOM dropped
      {"A sentence that ends here.\nMore text.", "",
       "A sentence that ends here.\nMore text."},
      {"", "", ""},
      {"\n\n  \n", "", ""},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    const auto d = bilex::parse_text_article(c.text, "a/b/c.txt");
    CHECK(d.title == c.title);
    CHECK(d.body == c.body);
    CHECK(d.id == "a/b/c.txt");
  }
}

// Regression: an unclosed front-matter block ("---" never closed) is not front
// matter, but the "---" line becomes the title ("---") and "title: x" stays
// in the body. Expected: no title taken from a "---" rule line.
TEST_CASE("parse_text_article: unclosed front matter gives no \"---\" title") {
  const auto d =
      bilex::parse_text_article("---\ntitle: x\nno end\n", "a/b/c.txt");
  CHECK(d.title != "---");
  CHECK(bilex::display_title(d) != "---");
}

TEST_CASE("parse_json_article: good records") {
  SUBCASE("all fields") {
    const auto d = bilex::parse_json_article(
        R"({"id":"a1","title":"  T  ","date":"2024-01-19","lang":"es",)"
        R"("body":"Cuerpo","extra":{"x":1}})",
        "f.jsonl:3");
    check_fields(d, {.id = "a1",
                     .title = "T",
                     .date = "2024-01-19",
                     .lang = Lang::es,
                     .lang_given = true,
                     .body = "Cuerpo"});
  }
  SUBCASE("only a body: the fallback id") {
    const auto d = bilex::parse_json_article(R"({"body":"x"})", "f.jsonl:3");
    CHECK(d.id == "f.jsonl:3");
    CHECK(d.title.empty());
    CHECK(d.date.empty());
    CHECK(d.lang == Lang::und);
    CHECK_FALSE(d.lang_given);
  }
  SUBCASE("numeric id") {
    const auto d =
        bilex::parse_json_article(R"({"id":42,"body":"x"})", "f.jsonl:3");
    CHECK(d.id == "42");
  }
  SUBCASE("empty string id: the fallback") {
    const auto d =
        bilex::parse_json_article(R"({"id":"","body":"x"})", "f.jsonl:3");
    CHECK(d.id == "f.jsonl:3");
  }
  SUBCASE("bad date and unknown language are dropped, not fatal") {
    const auto d = bilex::parse_json_article(
        R"({"body":"x","date":"2024-02-30","lang":"fr"})", "f:1");
    CHECK(d.date.empty());
    CHECK(d.lang == Lang::und);
    CHECK_FALSE(d.lang_given);
  }
  SUBCASE("unicode escapes") {
    const auto d = bilex::parse_json_article(
        R"({"body":"migraci\u00f3n \ud83d\ude00"})", "f:1");
    CHECK(d.body == "migración \U0001F600");
  }
}

TEST_CASE("parse_json_article: malformed records") {
  struct Case {
    std::string line;
  };
  const Case cases[] = {
      {"{"},
      {""},
      {"not json"},
      {"[1,2]"},
      {"\"body\""},
      {"{}"},
      {R"({"title":"no body"})"},
      {R"({"body":5})"},
      {R"({"body":null})"},
      {R"({"body":["a"]})"},
      {R"({"body":"x"} trailing)"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.line);
    CHECK_THROWS_AS((void)bilex::parse_json_article(c.line, "f:1"),
                    bilex::InputError);
  }
}

// docs/formats.md: invalid UTF-8 is repaired (U+FFFD). nlohmann::json refuses
// a record holding an invalid byte, so the line is repaired and parsed again
// rather than skipped as "not valid JSON".
TEST_CASE("parse_json_article: invalid UTF-8 in a string is repaired") {
  const auto d = bilex::parse_json_article("{\"body\":\"caf\xff x\"}", "f:1");
  CHECK(d.body == "caf\xEF\xBF\xBD x");
}

TEST_CASE("to_stored / from_stored round trip") {
  bilex::Document d;
  d.id = "dir/004_x.txt";
  d.title = "Migración: \"causas\" & <fronteras>";
  d.date = "2024-01-19";
  d.lang = Lang::es;
  d.body = "Línea 1\nLínea 2\twith tab \U0001F600 and \\ backslash";
  const auto back = bilex::from_stored(bilex::to_stored(d));
  CHECK(back.id == d.id);
  CHECK(back.title == d.title);
  CHECK(back.date == d.date);
  CHECK(back.lang == d.lang);
  CHECK(back.body == d.body);

  const auto no_body =
      bilex::from_stored(bilex::to_stored(d), /*with_body=*/false);
  CHECK(no_body.id == d.id);
  CHECK(no_body.title == d.title);
  CHECK(no_body.body.empty());

  bilex::Document odd;  // lengths, colons and digits inside the fields
  odd.id = "12:34";
  odd.title = "3:abc";
  odd.body = "b1";
  const auto o = bilex::from_stored(bilex::to_stored(odd));
  CHECK(o.id == odd.id);
  CHECK(o.title == odd.title);
  CHECK(o.date.empty());
  CHECK(o.body == odd.body);

  bilex::Document empty;
  const auto e = bilex::from_stored(bilex::to_stored(empty));
  CHECK(e.id.empty());
  CHECK(e.lang == Lang::und);
}

TEST_CASE("from_stored of garbage is an empty document, never a throw") {
  for (const std::string data :
       {"", "{", "[1]", "\xff\xfe", "null", "b2", "b25:abc", "b2x:", "b23:abc",
        "b23:abc0:", "b299999999999:x", "b21:a0:0:e", "b21:a0:0:enot zstd",
        "b11:a0:0:ebody of schema 2"}) {
    CAPTURE(data);
    bilex::Document d;
    REQUIRE_NOTHROW(d = bilex::from_stored(data));
    CHECK(d.id.empty());
    CHECK(d.body.empty());
  }
}

TEST_CASE("from_stored of a damaged body is an empty document") {
  bilex::Document d;
  d.id = "x";
  d.body = std::string(1000, 'a') + " and more text";
  const std::string good = bilex::to_stored(d);
  REQUIRE(bilex::from_stored(good).body == d.body);
  for (size_t cut : {size_t{1}, size_t{5}, good.size() / 2}) {
    CAPTURE(cut);
    CHECK(bilex::from_stored(good.substr(0, good.size() - cut)).body.empty());
  }
  std::string flipped = good;
  flipped[flipped.size() - 3] ^= 0x55;
  const bilex::Document f = bilex::from_stored(flipped);
  CHECK((f.body.empty() || f.body.size() == d.body.size()));
}

namespace {
// Bodies alike enough to train on: news-like sentences from a small word
// list, each body different.
std::vector<std::string> sample_bodies(size_t n) {
  const char* words[] = {"the",      "border",  "talks",   "resumed",   "on",
                         "monday",   "after",   "weeks",   "of",        "delay",
                         "minister", "said",    "trade",   "prices",    "rose",
                         "in",       "capital", "markets", "officials", "and"};
  std::vector<std::string> out;
  uint64_t x = 88172645463325252ull;
  for (size_t i = 0; i < n; ++i) {
    std::string b;
    for (int w = 0; w < 200; ++w) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      b += words[x % 20];
      b += (w % 15 == 14) ? ". " : " ";
    }
    out.push_back(b);
  }
  return out;
}
}  // namespace

TEST_CASE("BodyDictionary: trained, loaded once, and bodies stored with it") {
  CHECK(bilex::BodyDictionary::train(sample_bodies(10)).empty());  // too few
  const auto samples = sample_bodies(300);
  const std::string bytes = bilex::BodyDictionary::train(samples);
  REQUIRE(!bytes.empty());
  const bilex::BodyDictionary* dict = bilex::BodyDictionary::load(bytes);
  REQUIRE(dict != nullptr);
  CHECK(dict->id() != 0);
  CHECK(bilex::BodyDictionary::load(bytes) == dict);  // the same, once
  CHECK(bilex::BodyDictionary::load("not a dictionary") == nullptr);

  bilex::Document d;
  d.id = "a1";
  d.lang = Lang::en;
  d.body = sample_bodies(301).back();
  const std::string plain = bilex::to_stored(d);
  const std::string packed = bilex::to_stored(d, dict);
  CHECK(packed.size() < plain.size());
  CHECK(bilex::from_stored(packed).body == d.body);
  CHECK(bilex::from_stored(plain).body == d.body);

  // A body compressed with a dictionary this process never loaded (the
  // stored form is "b2", id, title and date as length:bytes, the language
  // byte, the zstd frame) reads without its body.
  const std::string other = bilex::BodyDictionary::train(
      std::vector<std::string>(samples.begin() + 100, samples.end()));
  REQUIRE(!other.empty());
  REQUIRE(ZDICT_getDictID(other.data(), other.size()) != dict->id());
  std::string frame(ZSTD_compressBound(d.body.size()), '\0');
  const std::unique_ptr<ZSTD_CCtx, size_t (*)(ZSTD_CCtx*)> cctx(
      ZSTD_createCCtx(), ZSTD_freeCCtx);
  const size_t n = ZSTD_compress_usingDict(
      cctx.get(), frame.data(), frame.size(), d.body.data(), d.body.size(),
      other.data(), other.size(), 3);
  REQUIRE(!ZSTD_isError(n));
  frame.resize(n);
  const std::string foreign = "b22:a10:0:e" + frame;
  CHECK(bilex::from_stored(foreign, /*with_body=*/false).id == "a1");
  const bilex::Document without = bilex::from_stored(foreign);
  CHECK(without.id == "a1");
  CHECK(without.body.empty());
}

TEST_CASE("display_title falls back to the file name") {
  struct Case {
    std::string id, title, expected;
  };
  const Case cases[] = {
      {"a/b/c.txt", "", "c.txt"},
      {"c.txt", "", "c.txt"},
      {"a/b/c.txt", "The title", "The title"},
      {"news.jsonl:12", "", "news.jsonl:12"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.id);
    bilex::Document d;
    d.id = c.id;
    d.title = c.title;
    CHECK(bilex::display_title(d) == c.expected);
  }
}

TEST_CASE("content_hash: 16 hex digits, stable, content-sensitive") {
  CHECK(bilex::content_hash("abc") == bilex::content_hash("abc"));
  CHECK(bilex::content_hash("a") != bilex::content_hash("b"));
  CHECK(bilex::content_hash("ab") != bilex::content_hash("ba"));
  const std::string h = bilex::content_hash("abc");
  CHECK(h.size() == 16);
  CHECK(h.find_first_not_of("0123456789abcdef") == std::string::npos);
}

// The standard 64-bit FNV-1a (offset basis 0xcbf29ce484222325), so that
// other tools can reproduce the hash.
TEST_CASE("content_hash is the standard 64-bit FNV-1a") {
  CHECK(bilex::content_hash("") == "cbf29ce484222325");
  CHECK(bilex::content_hash("a") == "af63dc4c8601ec8c");
}

TEST_CASE("enforce_limits: long ids refused, long titles and bodies cut") {
  std::vector<std::string> warnings;
  bilex::Document d;
  d.id = std::string(bilex::kMaxIdBytes, 'i');
  d.title = "Short";
  d.body = "body";
  CHECK_NOTHROW(bilex::enforce_limits(d, &warnings));
  CHECK(warnings.empty());
  CHECK(d.title == "Short");

  d.id += "i";
  CHECK_THROWS_WITH_AS(bilex::enforce_limits(d, &warnings),
                       "id longer than 4096 bytes (4097)", bilex::InputError);

  // A title is cut before a space near the limit, never inside a UTF-8
  // sequence, and marked with an ellipsis.
  d.id = "x";
  d.title.clear();
  while (d.title.size() < 3000) d.title += "mig\xC3\xB1ón ";
  CHECK_NOTHROW(bilex::enforce_limits(d, &warnings));
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0] == "title longer than 1000 bytes (3006): cut");
  CHECK(d.title.size() <= bilex::kMaxTitleBytes);
  CHECK(d.title.ends_with("ón\xE2\x80\xA6"));
  CHECK(bilex::repair_utf8(d.title) == d.title);

  // No space at all: cut at the last whole character before the limit.
  warnings.clear();
  d.title.clear();
  while (d.title.size() < 2000) d.title += "\xC3\xB1";
  d.title = "ab" + d.title;  // the cut falls inside a two-byte sequence
  CHECK_NOTHROW(bilex::enforce_limits(d, &warnings));
  CHECK(d.title.size() == 996 + 3);
  CHECK(bilex::repair_utf8(d.title) == d.title);

  warnings.clear();
  d.body = std::string(bilex::kMaxBodyBytes - 10, 'a') + " tail words here";
  CHECK_NOTHROW(bilex::enforce_limits(d, &warnings));
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].starts_with("text longer than 8 MiB ("));
  CHECK(d.body == std::string(bilex::kMaxBodyBytes - 10, 'a') + " tail");
}
