#include "heap/type_histogram.h"

#include <algorithm>
#include <unordered_map>

namespace leakseek::heap {

TypeHistogram type_histogram(const RetentionGraph& graph, const DominatorTree& tree,
                             const DominatorChildren& children, const ObjectTypes& types) {
  TypeHistogram h;
  // Rows by a dense index, so the walk below indexes arrays rather than hashing per object.
  std::unordered_map<uint64_t, uint32_t> row_of_key;
  BigVector<uint32_t> row_of(tree.size(), UINT32_MAX);
  for (uint32_t v = 1; v < tree.size(); v++) {
    uint32_t node = tree.node_of[v];
    if (!graph.is_object(node)) continue;
    ObjectId id = graph.object(node);
    const ObjectType& t = types[id];
    uint64_t size = graph.self_size(node);
    bool typed = t.shape != ObjectShape::kUntyped;
    uint64_t key =
        typed ? (uint64_t{t.type} << 8 | static_cast<uint64_t>(t.shape)) << 1 : (size << 1) | 1;
    auto [it, added] = row_of_key.try_emplace(key, static_cast<uint32_t>(h.rows.size()));
    if (added) h.rows.push_back({typed ? t : ObjectType{}, typed ? 0 : size, 0, 0, 0});
    row_of[v] = it->second;
    TypeRow& r = h.rows[it->second];
    r.count++;
    r.bytes += size;
    h.live_objects++;
    h.live_bytes += size;
    if (typed) h.typed_objects++, h.typed_bytes += size;
  }
  // Depth-first over the dominator tree, counting for each row how many of its objects are
  // open above the current node: only the outermost one adds its retained size.
  std::vector<uint32_t> open(h.rows.size(), 0);
  struct Visit {
    uint32_t v;
    bool exit;
  };
  std::vector<Visit> stack{{0, false}};
  while (!stack.empty()) {
    auto [v, exit] = stack.back();
    stack.pop_back();
    uint32_t r = row_of[v];
    if (exit) {
      if (r != UINT32_MAX) open[r]--;
      continue;
    }
    if (r != UINT32_MAX) {
      if (open[r]++ == 0) h.rows[r].retained_bytes += tree.retained_bytes[v];
      stack.push_back({v, true});
    }
    for (uint32_t c : children.of(v)) stack.push_back({c, false});
  }
  std::sort(h.rows.begin(), h.rows.end(), [](const TypeRow& a, const TypeRow& b) {
    if (a.retained_bytes != b.retained_bytes) return a.retained_bytes > b.retained_bytes;
    return a.bytes > b.bytes;
  });
  return h;
}

}  // namespace leakseek::heap
