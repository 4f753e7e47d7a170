// IdSet, the writer's compact set of ids: exact whatever the hashes do.
#include "indexer/id_set.h"

#include <doctest/doctest.h>

#include <string>
#include <unordered_set>

namespace {

// Every string hashes alike: each lookup must tell them apart by bytes.
struct SameHash {
  size_t operator()(std::string_view) const { return 0x1234567890abcdefULL; }
};

template <class Set>
void check_against_reference(Set& set, size_t n) {
  std::unordered_set<std::string> ref;
  for (size_t i = 0; i < n; ++i) {
    const std::string id = "id-" + std::to_string(i * 7919 % (n / 2 + 1));
    CHECK(set.insert(id) == ref.insert(id).second);
  }
  CHECK(set.size() == ref.size());
  for (size_t i = 0; i < n; ++i) {
    const std::string id = "id-" + std::to_string(i);
    CHECK(set.contains(id) == (ref.count(id) > 0));
  }
}

}  // namespace

TEST_CASE("IdSet: the same answers as an unordered_set") {
  bilex::IdSet set;
  CHECK(!set.contains("a"));
  CHECK(set.insert(""));
  CHECK(!set.insert(""));
  CHECK(set.contains(""));
  CHECK(set.size() == 1);
  set.clear();
  check_against_reference(set, 200000);
  set.clear();
  CHECK(set.size() == 0);
  CHECK(!set.contains("id-1"));
  CHECK(set.insert("id-1"));
}

TEST_CASE("IdSet: equal hashes, and strings longer than a chunk") {
  bilex::BasicIdSet<SameHash> same;
  check_against_reference(same, 2000);
  bilex::IdSet set;
  const std::string big(3 << 20, 'x'), big2 = big + "y";
  CHECK(set.insert("small"));
  CHECK(set.insert(big));
  CHECK(set.insert("after"));
  CHECK(set.insert(big2));
  CHECK(!set.insert(big));
  CHECK(set.contains(big2));
  CHECK(set.contains("small"));
  CHECK(set.contains("after"));
  CHECK(!set.contains(big + "z"));
}
