#include "heap/object_inspection.h"

#include "heap/oid_search.h"

namespace leakseek::heap {

ObjectInspection inspect_object(const HeapModel& model, const Reachability& reach, ObjectId id,
                                uint64_t query_addr) {
  ObjectInspection o;
  o.id = id;
  o.query_addr = query_addr;
  o.base = model.object_addr[id];
  o.size = model.size(id);
  o.live = reach.live.contains(id);
  o.may_have_type_header = may_have_type_header(model, o.size);
  for (const auto& f : model.finalizers) o.has_finalizer |= model.find(f.object) == id;
  for (const auto& f : model.queued_finalizers)
    o.queued_for_finalization |= model.find(f.object) == id;
  for (uint64_t off : model.pointer_offsets(id)) {
    uint64_t v = model.word_at(model.object_contents[id], off);
    ObjectId t = v ? model.find(v) : kNoObject;
    o.pointers.push_back({off, v, t, t == kNoObject ? 0 : v - model.object_addr[t]});
  }
  for (ObjectId src = 0; src < model.object_count(); src++)
    for (ObjectId c : model.children(src))
      if (c == id) {
        o.owners++;
        break;
      }
  for (const auto& r : model.roots) o.roots += r.target == id;
  for (const auto& s : model.alloc_samples) {
    if (s.object != id) continue;
    for (const auto& b : model.buckets)
      if (b.id == s.bucket) o.allocation = &b;
    break;
  }
  return o;
}

}  // namespace leakseek::heap
