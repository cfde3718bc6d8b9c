#pragma once
// An append-only sequence stored in fixed-size blocks: growing it never copies what is already
// there and never holds two copies at once, which is what keeps loading a dump with tens of
// millions of objects inside its memory budget.
#include <cstddef>
#include <memory>
#include <vector>

#include "util/huge_page_allocator.h"

namespace leakseek {

template <typename T, size_t kBlockBits = 20>
class ChunkedVector {
 public:
  static constexpr size_t kBlock = size_t{1} << kBlockBits;

  void push_back(const T& v) {
    if ((size_ & (kBlock - 1)) == 0) blocks_.emplace_back(alloc_.allocate(kBlock), Free{});
    blocks_.back()[size_ & (kBlock - 1)] = v;
    size_++;
  }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T& operator[](size_t i) { return blocks_[i >> kBlockBits][i & (kBlock - 1)]; }
  const T& operator[](size_t i) const { return blocks_[i >> kBlockBits][i & (kBlock - 1)]; }
  const T& back() const { return (*this)[size_ - 1]; }

  // A contiguous copy in the order perm gives (out[k] = (*this)[perm[k]]); frees the blocks.
  template <typename Index>
  BigVector<T> take_permuted(const BigVector<Index>& perm) {
    BigVector<T> out(perm.size());
    for (size_t k = 0; k < perm.size(); k++) out[k] = (*this)[perm[k]];
    clear();
    return out;
  }
  void clear() {
    blocks_.clear();
    blocks_.shrink_to_fit();
    size_ = 0;
  }

 private:
  struct Free {
    void operator()(T* p) const { HugePageAllocator<T>().deallocate(p, kBlock); }
  };
  HugePageAllocator<T> alloc_;
  std::vector<std::unique_ptr<T[], Free>> blocks_;
  size_t size_ = 0;
};

}  // namespace leakseek
