#pragma once
// Which objects the roots keep alive. The dump holds garbage too (WriteHeapDump forces no GC,
// and Go 1.22+ adds phantom tail slots), so liveness is always computed, never assumed.
#include <cstdint>
#include <vector>

#include "heap/heap_model.h"
#include "util/huge_page_allocator.h"

namespace leakseek::heap {

class ObjectSet {
 public:
  explicit ObjectSet(size_t n = 0) : bits_((n + 63) / 64) {}
  bool contains(ObjectId id) const { return bits_[id >> 6] >> (id & 63) & 1; }
  // Returns true when `id` was not yet in the set.
  bool insert(ObjectId id) {
    uint64_t& w = bits_[id >> 6];
    uint64_t m = uint64_t{1} << (id & 63);
    if (w & m) return false;
    w |= m;
    return true;
  }

 private:
  BigVector<uint64_t> bits_;
};

struct Reachability {
  ObjectSet live;
  uint64_t objects = 0;
  uint64_t bytes = 0;
};

// Marks everything reachable from all roots (iterative, no recursion).
Reachability compute_reachability(const HeapModel& model);

// Marks everything reachable from the given start objects.
Reachability reachable_from(const HeapModel& model, const std::vector<ObjectId>& starts);

}  // namespace leakseek::heap
