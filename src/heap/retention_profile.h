#pragma once
// Retention as pprof stacks: every live object is a sample whose stack is its chain of
// dominators up to its root group. A frame's flat value is then what its objects hold themselves
// and its cum value what it retains, which is how `go tool pprof` shows it without knowing
// anything of heaps. Objects too small to matter are merged by size, so the profile stays small
// for any heap.
#include <cstdint>
#include <vector>

#include "heap/dominators.h"
#include "heap/object_types.h"

namespace leakseek::heap {

struct RetentionProfileOptions {
  // An object retaining at least this share of live bytes gets a frame of its own; smaller ones
  // share one frame per (parent stack, type), or per (parent stack, size) when untyped.
  double own_frame_share = 0.001;
  // Dominator chains deeper than this (long linked lists) end in one "deeper" frame that holds
  // the rest of the chain.
  uint32_t max_depth = 64;
};

struct RetentionFrame {
  // kShared is the top of the stacks of objects that no single root group dominates (they are
  // reachable from several): every stack starts at a root frame.
  enum class Kind : uint8_t { kGroup, kShared, kObject, kSize, kType, kDeeper };
  Kind kind;
  // kGroup: group index; kObject: object id; kSize: object size; kType: the typed objects'
  // DWARF type << 8 | ObjectShape; else unused.
  uint64_t id;
};

inline constexpr uint32_t kNoStack = UINT32_MAX;

// A trie of stacks: stack s is frames[s.frame] called from stack s.parent.
struct RetentionStack {
  uint32_t parent;  // kNoStack for a root group's own stack
  uint32_t frame;
  uint64_t objects = 0;  // objects whose innermost frame this is
  uint64_t bytes = 0;
};

struct RetentionProfile {
  std::vector<RetentionFrame> frames;
  std::vector<RetentionStack> stacks;
  uint64_t live_objects = 0;
  uint64_t live_bytes = 0;
};

// `types` (may be null) names the small objects' shared frames.
RetentionProfile retention_profile(const RetentionGraph& graph, const DominatorTree& tree,
                                   const ObjectTypes* types,
                                   const RetentionProfileOptions& options = {});

}  // namespace leakseek::heap
