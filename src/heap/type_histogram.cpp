#include "heap/type_histogram.h"

#include <algorithm>
#include <unordered_map>

namespace leakseek::heap {

TypeHistogram type_histogram(const RetentionGraph& graph, const DominatorTree& tree,
                             const DominatorChildren& children, const ObjectTypes& types) {
  TypeHistogram h;
  // Rows by a dense index, so the walk below indexes arrays rather than hashing per object;
  // typed objects find their row by (type, shape) in a table, untyped ones by size in a map.
  constexpr uint32_t kNone = UINT32_MAX;
  constexpr size_t kShapes = 8;
  binary::TypeId max_type = 0;
  for (const auto& t : types.of)
    if (t.shape != ObjectShape::kUntyped && t.type != binary::kNoType)
      max_type = std::max(max_type, t.type);
  std::vector<uint32_t> typed_row((size_t{max_type} + 1) * kShapes, kNone);
  std::unordered_map<uint64_t, uint32_t> untyped_row;
  BigVector<uint32_t> row_of(tree.size(), kNone);
  for (uint32_t v = 1; v < tree.size(); v++) {
    uint32_t node = tree.node_of[v];
    if (!graph.is_object(node)) continue;
    ObjectId id = graph.object(node);
    const ObjectType& t = types[id];
    uint64_t size = graph.self_size(node);
    bool typed = t.shape != ObjectShape::kUntyped;
    // String bytes carry no DWARF type: their (max_type, kString) slot is theirs alone.
    size_t type_index = t.type == binary::kNoType ? max_type : t.type;
    uint32_t& row = typed ? typed_row[type_index * kShapes + static_cast<size_t>(t.shape)]
                          : untyped_row.try_emplace(size, kNone).first->second;
    if (row == kNone) {
      row = static_cast<uint32_t>(h.rows.size());
      h.rows.push_back({typed ? t : ObjectType{}, typed ? 0 : size, 0, 0, 0});
    }
    row_of[v] = row;
    TypeRow& r = h.rows[row];
    r.count++;
    r.bytes += size;
    if (r.example == kNoObject || tree.retained_bytes[v] > r.example_retained)
      r.example = id, r.example_retained = tree.retained_bytes[v];
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
      if (r != kNone) open[r]--;
      continue;
    }
    if (r != kNone) {
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
