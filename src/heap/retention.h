#pragma once
// What holds the memory: retained size per root group, the finalizer queue and what it keeps
// alive, the finalizer goroutine, objects that only a finalizer cycle keeps, and leak suspects
// (the groups that retain a large share of the live heap, down to where the memory piles up).
#include <optional>
#include <string>
#include <vector>

#include "heap/dominators.h"
#include "heap/finalizer_goroutine.h"
#include "heap/heap_model.h"
#include "heap/root_groups.h"

namespace leakseek::heap {

struct RetentionOptions {
  double suspect_share = 0.10;  // a group retaining at least this share of live bytes is a suspect
  double accumulation_share = 0.80;  // descend while one child retains this share of its parent
  size_t top_retainers = 20;
  size_t stacks_per_suspect = 3;
};

struct Retainer {
  uint32_t group;  // index into the root groups
  uint64_t retained_bytes;
  uint64_t retained_objects;
};

struct QueueBreakdown {
  uint64_t key;  // type descriptor address (by type) or finalizer code address (by function)
  uint64_t count = 0;
  uint64_t retained_bytes = 0;
};

struct FinalizerQueue {
  uint64_t count = 0;
  uint64_t retained_bytes = 0;
  uint64_t retained_objects = 0;
  std::vector<QueueBreakdown> by_type;      // key = ot (the object's pointer type)
  std::vector<QueueBreakdown> by_function;  // key = finalizer code address
};

struct FinalizerCycle {
  uint32_t finalizer;  // index into finalizers
  ObjectId object;
  std::vector<ObjectId> cycle;  // object -> ... -> object
  uint64_t retained_bytes;
  uint64_t retained_objects;
};

struct AllocationStack {
  const MemProfBucket* bucket;
  uint64_t sampled_objects = 0;
  uint64_t sampled_bytes = 0;
};

struct Suspect {
  uint32_t group;
  uint64_t retained_bytes;
  uint64_t retained_objects;
  double share;  // of live bytes
  // Dominator chain from the group's first object down to the accumulation point, where the
  // memory spreads over many children.
  std::vector<ObjectId> chain;
  uint64_t accumulation_retained_bytes = 0;
  uint64_t accumulation_children = 0;
  std::vector<AllocationStack> stacks;  // most sampled bytes first
  // Where the program asked for most of the memory: the innermost non-runtime frame of the top
  // allocation stack; empty when no sampled allocation is retained.
  std::string allocation_site;
};

// Finalizer cycles come in families, one per call of the code that built them: the cycles whose
// objects have the same finalizer function.
struct CycleFamily {
  uint64_t fn_code = 0;        // the finalizer's code address
  std::vector<size_t> cycles;  // indices into RetentionReport::finalizer_cycles, first found first
  uint64_t retained_bytes = 0;
};

struct RetentionReport {
  uint64_t live_objects = 0;
  uint64_t live_bytes = 0;
  uint64_t garbage_objects = 0;
  uint64_t garbage_bytes = 0;
  std::vector<Retainer> top_retainers;
  FinalizerQueue queue;
  std::optional<FinalizerGoroutine> finalizer_goroutine;
  std::vector<FinalizerGoroutine> cleanup_goroutines;  // Go 1.25+: runtime.runCleanups
  // Go 1.25+ keeps queued cleanups outside the dump: how many wait, and the arguments they
  // hold, cannot be told (those arguments look like garbage).
  bool cleanup_queue_dumped = true;
  std::vector<FinalizerCycle> finalizer_cycles;
  std::vector<CycleFamily> cycle_families;  // in the order of their first cycle
  double suspect_share = 0;  // the threshold the suspects were chosen by (RetentionOptions)
  std::vector<Suspect> suspects;
};

RetentionReport analyze_retention(const HeapModel& model, const std::vector<RootGroup>& groups,
                                  const DominatorTree& tree, const DominatorChildren& children,
                                  const RetentionOptions& options = {});

}  // namespace leakseek::heap
