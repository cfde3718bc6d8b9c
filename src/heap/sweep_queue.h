#pragma once
#include <algorithm>
#include <bit>
#include <cstdint>
#include <vector>

#include "heap/heap_model.h"

namespace leakseek::heap {

// The objects a graph walk still has to visit, handed out in ascending id (= address) order.
// Taking them that way reads the dump nearly front to back (Go writes it span by span), so few
// pages are mapped at once and the kernel reads ahead, however deep the graph. Objects found
// behind the sweep wait for the next one. A hostile graph that zigzags would need a sweep per
// object: after max_sweeps the rest is handed out in discovery order instead. An object pushed
// again while it waits is still handed out once.
class SweepQueue {
 public:
  explicit SweepQueue(size_t objects, unsigned max_sweeps = 64)
      : bits_((objects + 63) / 64, 0), max_sweeps_(max_sweeps) {}

  void push(ObjectId id) {
    if (sweeps_ >= max_sweeps_) {
      stack_.push_back(id);
      return;
    }
    uint64_t& word = bits_[id / 64];
    const uint64_t bit = uint64_t{1} << (id % 64);
    if (word & bit) return;
    word |= bit;
    if (id >= cursor_) {
      ahead_++;
    } else {
      behind_++;
      first_behind_ = std::min(first_behind_, id);
    }
  }

  // Sweeps begun after the first: how often the walk went back for objects found behind it.
  unsigned sweeps() const { return sweeps_; }

  // The next object to visit, or kNoObject when none is left.
  ObjectId next() {
    if (ahead_ == 0 && behind_ > 0) {
      if (++sweeps_ >= max_sweeps_) drain_bits();
      cursor_ = first_behind_;
      ahead_ = behind_;
      behind_ = 0;
      first_behind_ = kNoObject;
    }
    if (ahead_ == 0) {
      if (stack_.empty()) return kNoObject;
      ObjectId id = stack_.back();
      stack_.pop_back();
      return id;
    }
    // ahead_ > 0 guarantees a set bit at or after the cursor.
    size_t w = cursor_ / 64;
    uint64_t word = bits_[w] & (~uint64_t{0} << (cursor_ % 64));
    while (word == 0) word = bits_[++w];
    const ObjectId id = static_cast<ObjectId>(w * 64 + std::countr_zero(word));
    bits_[w] &= ~(uint64_t{1} << (id % 64));
    ahead_--;
    cursor_ = id + 1;
    return id;
  }

 private:
  void drain_bits() {
    for (size_t w = 0; w < bits_.size(); w++) {
      for (uint64_t word = bits_[w]; word; word &= word - 1)
        stack_.push_back(static_cast<ObjectId>(w * 64 + std::countr_zero(word)));
      bits_[w] = 0;
    }
    behind_ = 0;
  }

  std::vector<uint64_t> bits_;
  const unsigned max_sweeps_;
  std::vector<ObjectId> stack_;
  ObjectId cursor_ = 0;
  ObjectId first_behind_ = kNoObject;
  size_t ahead_ = 0;
  size_t behind_ = 0;
  unsigned sweeps_ = 0;
};

}  // namespace leakseek::heap
