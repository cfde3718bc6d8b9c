#pragma once
// Everything known about one object: its bytes, where each pointer goes, whether it is alive,
// has a finalizer, and which allocation stack produced it.
#include <optional>
#include <vector>

#include "heap/heap_model.h"
#include "heap/reachability.h"

namespace leakseek::heap {

struct PointerField {
  uint64_t offset;
  uint64_t value;
  ObjectId target;         // kNoObject when it points outside the heap's objects
  uint64_t target_offset;  // value - target's base
};

struct ObjectInspection {
  ObjectId id = kNoObject;
  uint64_t query_addr = 0;  // the address asked about (may be inside the object)
  uint64_t base = 0;
  uint64_t size = 0;
  bool live = false;
  bool has_finalizer = false;
  bool queued_for_finalization = false;
  bool may_have_type_header = false;
  std::vector<PointerField> pointers;
  uint64_t owners = 0;                        // objects pointing into it
  uint64_t roots = 0;                         // roots pointing into it
  const MemProfBucket* allocation = nullptr;  // from alloc samples, when the dump has them
};

ObjectInspection inspect_object(const HeapModel& model, const Reachability& reach, ObjectId id,
                                uint64_t query_addr);

}  // namespace leakseek::heap
