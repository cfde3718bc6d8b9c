#pragma once
// Live objects by type: count, bytes and retained bytes (what freeing every object of the type
// would free: the retained sizes of those objects no other object of the type dominates, as
// Eclipse MAT counts it). Untyped objects are grouped by size.
#include <cstdint>
#include <vector>

#include "heap/dominators.h"
#include "heap/object_types.h"

namespace leakseek::heap {

struct TypeRow {
  ObjectType type;    // shape kUntyped: `size` says which untyped objects
  uint64_t size = 0;  // untyped rows: the object size
  uint64_t count = 0;
  uint64_t bytes = 0;
  uint64_t retained_bytes = 0;
  // The object of the row retaining the most: where to start `why` or `show`.
  ObjectId example = kNoObject;
  uint64_t example_retained = 0;
};

struct TypeHistogram {
  std::vector<TypeRow> rows;  // most retained first
  uint64_t live_objects = 0;
  uint64_t live_bytes = 0;
  uint64_t typed_objects = 0;  // live ones
  uint64_t typed_bytes = 0;
};

TypeHistogram type_histogram(const RetentionGraph& graph, const DominatorTree& tree,
                             const DominatorChildren& children, const ObjectTypes& types);

}  // namespace leakseek::heap
