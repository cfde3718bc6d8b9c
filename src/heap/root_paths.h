#pragma once
// "Why is this object alive?": the shortest path from each kind of root to an object, and the
// verdicts that need no path (unreachable, held only by a finalizer, a finalizer cycle).
#include <optional>
#include <vector>

#include "heap/heap_model.h"
#include "heap/reverse_graph.h"

namespace leakseek::heap {

struct PathStep {
  ObjectId object;
  uint64_t offset;  // offset of the pointer word in the previous step's object (0 for the first)
};

struct RootPath {
  Root root;
  std::vector<PathStep> steps;  // steps.front().object == root.target, steps.back() == target
};

enum class Retention {
  kRooted,          // some root other than finalizer referents reaches it
  kFinalizerOnly,   // only what finalized objects point to reaches it
  kFinalizerCycle,  // ... and the finalized object is reachable from itself: never collectable
  kUnreachable,     // garbage: nothing reaches it
};
std::string_view retention_name(Retention r);

struct WhyResult {
  ObjectId target = kNoObject;
  Retention retention = Retention::kUnreachable;
  std::vector<RootPath> paths;  // one per root kind that reaches the target, shortest first
  // For kFinalizerOnly / kFinalizerCycle: the finalized object whose referents hold the target.
  ObjectId finalized_object = kNoObject;
  std::vector<ObjectId> cycle;  // for kFinalizerCycle: finalized object -> ... -> itself
};

WhyResult explain_retention(const HeapModel& model, const ReverseGraph& reverse, ObjectId target);

// The shortest path of objects from `from` to `to` along pointers (empty if none).
std::vector<ObjectId> shortest_path(const HeapModel& model, ObjectId from, ObjectId to);

}  // namespace leakseek::heap
