#pragma once
// An allocator for the large arrays of a heap model (tens to hundreds of MiB each): it maps them
// directly and asks for transparent huge pages, which cuts the page faults of filling them by a
// factor of 512. Small allocations go through operator new as usual.
#include <sys/mman.h>

#include <cstddef>
#include <new>
#include <vector>

namespace leakseek {

template <typename T>
struct HugePageAllocator {
  using value_type = T;
  static constexpr size_t kThreshold = size_t{4} << 20;

  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) {}

  T* allocate(size_t n) {
    size_t bytes = n * sizeof(T);
    if (bytes < kThreshold) return static_cast<T*>(::operator new(bytes));
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    madvise(p, bytes, MADV_HUGEPAGE);
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t n) {
    size_t bytes = n * sizeof(T);
    if (bytes < kThreshold) {
      ::operator delete(p);
    } else {
      munmap(p, bytes);
    }
  }
  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const {
    return true;
  }
};

// A vector for arrays indexed by object or node: one element per object of the dump.
template <typename T>
using BigVector = std::vector<T, HugePageAllocator<T>>;

}  // namespace leakseek
