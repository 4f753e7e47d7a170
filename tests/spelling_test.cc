#include "searcher/spelling.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>

namespace {

bool has(const std::vector<std::string>& v, const std::string& w) {
  return std::find(v.begin(), v.end(), w) != v.end();
}

}  // namespace

TEST_CASE("one_edit_variants: deletions, swaps, insertions, replacements") {
  const auto v = bilex::one_edit_variants("ab");
  CHECK(has(v, "a"));
  CHECK(has(v, "b"));
  CHECK(has(v, "ba"));
  CHECK(has(v, "abc"));
  CHECK(has(v, "ñab"));
  CHECK(has(v, "zb"));
  CHECK_FALSE(has(v, "ab"));
  CHECK_FALSE(has(v, "abcd"));
  CHECK(std::is_sorted(v.begin(), v.end()));
  CHECK(std::adjacent_find(v.begin(), v.end()) == v.end());
  // A letter of two bytes is one letter: swapped and deleted whole.
  const auto n = bilex::one_edit_variants("añ");
  CHECK(has(n, "ña"));
  CHECK(has(n, "a"));
  CHECK(bilex::one_edit_variants(std::string(30, 'a')).empty());
}

TEST_CASE("most_frequent_one_edit: the nearest, the most frequent of equals") {
  const std::map<std::string, uint64_t> df{
      {"migracion", 1}, {"migration", 40}, {"migrator", 2}, {"migrado", 9}};
  const auto freq = [&](const std::string& w) -> uint64_t {
    const auto it = df.find(w);
    return it == df.end() ? 0 : it->second;
  };
  // One transposition from "migracion"; "migration" is two edits away.
  CHECK(bilex::most_frequent_one_edit("migracoin", freq) == "migracion");
  // One edit from "migration" (40) and "migrator" (2).
  CHECK(bilex::most_frequent_one_edit("migraton", freq) == "migration");
  CHECK(bilex::most_frequent_one_edit("zzzz", freq).empty());
}
