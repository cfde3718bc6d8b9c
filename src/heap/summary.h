#pragma once
// The headline facts of a heap dump.
#include <array>
#include <cstdint>
#include <string>

#include "heap/heap_model.h"

namespace leakseek::heap {

struct HeapSummary {
  std::string go_version;
  std::string arch;
  uint64_t ptr_size = 8;
  uint64_t dump_bytes = 0;
  uint64_t objects = 0;  // every object record, garbage and phantom slots included
  uint64_t object_bytes = 0;
  uint64_t pointers = 0;  // pointer edges between objects
  uint64_t reachable_objects = 0;
  uint64_t reachable_bytes = 0;
  uint64_t garbage_objects = 0;
  uint64_t garbage_bytes = 0;
  uint64_t goroutines = 0;
  uint64_t system_goroutines = 0;
  uint64_t threads = 0;
  uint64_t finalizers_registered = 0;
  uint64_t finalizers_queued = 0;
  std::array<uint64_t, kRootKindCount> roots_by_kind{};
  uint64_t memprof_buckets = 0;
  uint64_t alloc_samples = 0;
  bool has_mem_stats = false;
  uint64_t memstats_heap_alloc = 0;
  uint64_t memstats_heap_objects = 0;
  uint64_t memstats_num_gc = 0;
};

// live_objects and live_bytes come from whichever liveness pass the caller ran.
HeapSummary summarize(const HeapModel& model, uint64_t live_objects, uint64_t live_bytes);

}  // namespace leakseek::heap
