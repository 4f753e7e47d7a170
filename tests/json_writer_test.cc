// searcher/json_writer.h: the same bytes as nlohmann::json's compact dump.
#include "searcher/json_writer.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <random>

namespace {

std::string nlohmann_dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string written(std::string_view s) {
  std::string out;
  bilex::append_json_string(&out, s);
  return out;
}

}  // namespace

TEST_CASE("json strings: escapes, UTF-8 kept, invalid UTF-8 replaced") {
  const std::vector<std::string> cases = {
      "",
      "plain ascii",
      "quote \" backslash \\ slash /",
      std::string("nul \0 bell \a tab \t nl \n cr \r ff \f bs \b", 36),
      "\x1f\x7f",
      "migraci\xc3\xb3n \xe2\x80\xa6 \xf0\x9f\x98\x80",
      "lone continuation \x80 end",
      "truncated \xc3",
      "truncated three \xe2\x80",
      "overlong \xc0\xaf and \xe0\x80\xaf",
      "surrogate \xed\xa0\x80",
      "above max \xf4\x90\x80\x80",
      "bad then good \xff\xc3\xa9",
  };
  for (const std::string& s : cases) {
    CAPTURE(s);
    CHECK(written(s) == nlohmann_dump(s));
  }
}

TEST_CASE("json strings: random bytes as nlohmann writes them") {
  std::mt19937 rng(7);
  // Bytes drawn mostly from the ranges where the rules differ.
  const std::string alphabet =
      "ab\"\\\n\x01\x7f\x80\xbf\xc2\xc3\xdf\xe0\xe1\xed\xef\xf0\xf4\xf5\xff";
  for (int n = 0; n < 20000; ++n) {
    std::string s;
    const size_t len = rng() % 8;
    for (size_t i = 0; i < len; ++i)
      s.push_back(alphabet[rng() % alphabet.size()]);
    CAPTURE(s);
    REQUIRE(written(s) == nlohmann_dump(s));
  }
}

TEST_CASE("json writer: nested values as nlohmann writes them") {
  bilex::JsonWriter w;
  w.begin_object()
      .key("a")
      .begin_array()
      .value(1.5)
      .value(12.0)
      .value(0.0001)
      .value(uint64_t{42})
      .null()
      .value(true)
      .begin_object()
      .end_object()
      .end_array()
      .key("b")
      .strings({"x", "y\n"})
      .key("c")
      .begin_array()
      .end_array()
      .end_object();
  const nlohmann::json j = {
      {"a", {1.5, 12.0, 0.0001, 42, nullptr, true, nlohmann::json::object()}},
      {"b", {"x", "y\n"}},
      {"c", nlohmann::json::array()}};
  CHECK(w.take() == nlohmann_dump(j));
}
