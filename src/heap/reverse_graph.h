#pragma once
// Predecessor lists (who points to whom), built on demand for owners and root paths.
#include <span>
#include <vector>

#include "heap/heap_model.h"

namespace leakseek::heap {

class ReverseGraph {
 public:
  explicit ReverseGraph(const HeapModel& model);
  // Objects holding a pointer into `id`, in address order (an owner with several such fields
  // that are not adjacent may repeat).
  std::span<const ObjectId> owners(ObjectId id) const {
    return {owner_.data() + begin_[id], owner_.data() + begin_[id + 1]};
  }

 private:
  std::vector<uint64_t> begin_;
  std::vector<ObjectId> owner_;
};

// Offsets inside `from` of the pointer words that point into `to`.
std::vector<uint64_t> edge_offsets(const HeapModel& model, ObjectId from, ObjectId to);

}  // namespace leakseek::heap
