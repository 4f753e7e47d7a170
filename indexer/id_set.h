// A set of strings in little memory, for the ids of a run.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace bilex {

// An exact set of strings, smaller than an unordered_set<std::string>
// (about 90 bytes an 18-byte id there, about 40 here): each string's bytes
// are kept once, packed in chunks, and an open-addressing table holds one
// 64-bit slot a string: 24 bits of its hash and 40 of its place. A lookup
// compares the bytes whenever the hash bits match, so it is never wrong.
template <class Hash = std::hash<std::string_view>>
class BasicIdSet {
 public:
  // Adds `s`; false when it was there already.
  bool insert(std::string_view s) {
    if ((size_ + 1) * 10 > slots_.size() * 7) grow();
    const uint64_t h = Hash{}(s);
    size_t i = find(s, h);
    if (slots_[i]) return false;
    slots_[i] = (h & kTagMask) | (store(s) + 1);
    ++size_;
    return true;
  }
  bool contains(std::string_view s) const {
    return !slots_.empty() && slots_[find(s, Hash{}(s))] != 0;
  }
  size_t size() const { return size_; }
  // Empties the set and frees its memory.
  void clear() { *this = BasicIdSet(); }

 private:
  static constexpr int kPlaceBits = 40;
  static constexpr uint64_t kPlaceMask = (uint64_t{1} << kPlaceBits) - 1;
  static constexpr uint64_t kTagMask = ~kPlaceMask;
  static constexpr int kOffsetBits = 20;  // chunks of 1 MB
  static constexpr size_t kChunk = size_t{1} << kOffsetBits;

  // The slot holding `s`, else the empty slot where it would go.
  size_t find(std::string_view s, uint64_t h) const {
    const size_t mask = slots_.size() - 1;
    size_t i = static_cast<size_t>(h) & mask;
    while (slots_[i] &&
           !((slots_[i] & kTagMask) == (h & kTagMask) && at(slots_[i]) == s))
      i = (i + 1) & mask;
    return i;
  }

  // The string of an occupied slot: a 4-byte length, then the bytes.
  std::string_view at(uint64_t slot) const {
    const uint64_t place = (slot & kPlaceMask) - 1;
    const char* p =
        chunks_[place >> kOffsetBits].get() + (place & (kChunk - 1));
    uint32_t n;
    std::memcpy(&n, p, sizeof n);
    return {p + sizeof n, n};
  }

  // Copies `s` into the chunks; returns its place.
  uint64_t store(std::string_view s) {
    if (s.size() > UINT32_MAX) throw std::length_error("id too long");
    const size_t need = sizeof(uint32_t) + s.size();
    if (chunks_.empty() || used_ + need > chunk_size_) {
      if (chunks_.size() >= (size_t{1} << (kPlaceBits - kOffsetBits)) - 1)
        throw std::length_error("too many ids");
      chunk_size_ = std::max(kChunk, need);  // a longer string: a chunk alone
      chunks_.push_back(std::make_unique<char[]>(chunk_size_));
      used_ = 0;
    }
    const uint64_t place = ((chunks_.size() - 1) << kOffsetBits) | used_;
    char* p = chunks_.back().get() + used_;
    const auto n = static_cast<uint32_t>(s.size());
    std::memcpy(p, &n, sizeof n);
    if (n) std::memcpy(p + sizeof n, s.data(), n);
    // A string past the chunk's first 1 MB starts a new chunk next time.
    used_ = used_ + need > kChunk ? chunk_size_ : used_ + need;
    return place;
  }

  void grow() {
    std::vector<uint64_t> old(std::max<size_t>(1024, slots_.size() * 2));
    old.swap(slots_);
    for (uint64_t slot : old)
      if (slot) slots_[find(at(slot), Hash{}(at(slot)))] = slot;
  }

  std::vector<uint64_t> slots_;  // 0: empty
  std::vector<std::unique_ptr<char[]>> chunks_;
  size_t chunk_size_ = 0, used_ = 0;  // of the last chunk
  size_t size_ = 0;
};

using IdSet = BasicIdSet<>;

}  // namespace bilex
