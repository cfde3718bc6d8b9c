#include "heap/retention_profile.h"

#include <unordered_map>

namespace leakseek::heap {

namespace {

class ProfileBuilder {
 public:
  explicit ProfileBuilder(RetentionProfile& p) : p_(p) {}

  uint32_t frame(RetentionFrame::Kind kind, uint64_t id) {
    uint64_t key = (id << 3) | static_cast<uint64_t>(kind);  // six kinds fit three bits
    auto [it, added] = frames_.try_emplace(key, static_cast<uint32_t>(p_.frames.size()));
    if (added) p_.frames.push_back({kind, id});
    return it->second;
  }

  uint32_t stack(uint32_t parent, uint32_t frame) {
    uint64_t key = (static_cast<uint64_t>(parent) << 32) | frame;
    auto [it, added] = stacks_.try_emplace(key, static_cast<uint32_t>(p_.stacks.size()));
    if (added) p_.stacks.push_back({parent, frame});
    return it->second;
  }

 private:
  RetentionProfile& p_;
  std::unordered_map<uint64_t, uint32_t> frames_;
  std::unordered_map<uint64_t, uint32_t> stacks_;
};

}  // namespace

RetentionProfile retention_profile(const RetentionGraph& graph, const DominatorTree& tree,
                                   const ObjectTypes* types,
                                   const RetentionProfileOptions& options) {
  using Kind = RetentionFrame::Kind;
  RetentionProfile p;
  p.live_bytes = tree.retained_bytes[0];
  p.live_objects = tree.retained_objects[0];
  const auto own_frame_bytes =
      static_cast<uint64_t>(options.own_frame_share * static_cast<double>(p.live_bytes));
  ProfileBuilder b(p);
  // Preorder numbers put every node after its immediate dominator: one pass fills both arrays.
  BigVector<uint32_t> stack_of(tree.size(), kNoStack);
  BigVector<uint32_t> depth(tree.size(), 0);
  for (uint32_t v = 1; v < tree.size(); v++) {
    const uint32_t node = tree.node_of[v];
    const uint32_t parent = tree.idom[v];
    depth[v] = depth[parent] + 1;
    if (graph.is_group(node)) {
      stack_of[v] = b.stack(kNoStack, b.frame(Kind::kGroup, graph.group(node)));
      continue;
    }
    // The virtual root has no frame; what it alone dominates hangs under the kShared frame.
    if (parent == 0 && stack_of[0] == kNoStack)
      stack_of[0] = b.stack(kNoStack, b.frame(Kind::kShared, 0));
    uint32_t s;
    if (depth[v] > options.max_depth) {
      s = stack_of[parent];
    } else if (depth[v] == options.max_depth) {
      s = b.stack(stack_of[parent], b.frame(Kind::kDeeper, 0));
    } else if (tree.retained_bytes[v] >= own_frame_bytes) {
      s = b.stack(stack_of[parent], b.frame(Kind::kObject, graph.object(node)));
    } else if (const ObjectType* t = types ? &(*types)[graph.object(node)] : nullptr;
               t && t->shape != ObjectShape::kUntyped) {
      uint64_t key = uint64_t{t->type} << 8 | static_cast<uint64_t>(t->shape);
      s = b.stack(stack_of[parent], b.frame(Kind::kType, key));
    } else {
      s = b.stack(stack_of[parent], b.frame(Kind::kSize, graph.self_size(node)));
    }
    stack_of[v] = s;
    p.stacks[s].objects++;
    p.stacks[s].bytes += graph.self_size(node);
  }
  return p;
}

}  // namespace leakseek::heap
