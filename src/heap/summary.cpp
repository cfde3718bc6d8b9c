#include "heap/summary.h"

namespace leakseek::heap {

HeapSummary summarize(const HeapModel& model, uint64_t live_objects, uint64_t live_bytes) {
  HeapSummary s;
  if (model.params) {
    s.go_version = std::string(model.params->go_version);
    s.arch = std::string(model.params->arch);
  }
  s.ptr_size = model.ptr_size();
  s.dump_bytes = model.file->size();
  s.objects = model.object_count();
  s.object_bytes = model.object_bytes;
  s.pointers = model.edge_target.size();
  s.reachable_objects = live_objects;
  s.reachable_bytes = live_bytes;
  s.garbage_objects = s.objects - live_objects;
  s.garbage_bytes = s.object_bytes - live_bytes;
  s.goroutines = model.goroutines.size();
  for (const auto& g : model.goroutines) s.system_goroutines += g.record.is_system;
  s.threads = model.threads.size();
  s.finalizers_registered = model.finalizers.size();
  s.finalizers_queued = model.queued_finalizers.size();
  for (const auto& r : model.roots) s.roots_by_kind[static_cast<size_t>(r.kind)]++;
  s.memprof_buckets = model.buckets.size();
  s.alloc_samples = model.alloc_samples.size();
  if (model.mem_stats) {
    s.has_mem_stats = true;
    s.memstats_heap_alloc = model.mem_stats->fields[6];
    s.memstats_heap_objects = model.mem_stats->fields[11];
    s.memstats_num_gc = model.mem_stats->num_gc;
  }
  return s;
}

}  // namespace leakseek::heap
