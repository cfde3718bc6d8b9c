#include "heap/retention.h"

#include "goruntime/runtime_functions.h"

#include <algorithm>
#include <map>
#include <unordered_map>

namespace leakseek::heap {

namespace {

// For each preorder number, the root group (as a preorder number) whose subtree holds it.
BigVector<uint32_t> owning_groups(const DominatorTree& tree) {
  BigVector<uint32_t> top(tree.size(), 0);
  for (uint32_t v = 1; v < tree.size(); v++) top[v] = tree.idom[v] == 0 ? v : top[tree.idom[v]];
  return top;
}

void add_breakdown(std::vector<QueueBreakdown>& rows, uint64_t key, uint64_t bytes) {
  auto it =
      std::find_if(rows.begin(), rows.end(), [&](const QueueBreakdown& r) { return r.key == key; });
  if (it == rows.end()) it = rows.insert(rows.end(), QueueBreakdown{key});
  it->count++;
  it->retained_bytes += bytes;
}

void sort_by_bytes(std::vector<QueueBreakdown>& rows) {
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return a.retained_bytes != b.retained_bytes ? a.retained_bytes > b.retained_bytes
                                                : a.key < b.key;
  });
}

FinalizerQueue queue_stats(const HeapModel& model, const std::vector<RootGroup>& groups,
                           const DominatorTree& tree) {
  FinalizerQueue q;
  q.count = model.queued_finalizers.size();
  for (uint32_t g = 0; g < groups.size(); g++) {
    if (groups[g].kind != RootGroupKind::kQueuedFinalizer) continue;
    uint32_t node = g + 1;
    uint64_t bytes = tree.retained_bytes_of(node);
    q.retained_bytes += bytes;
    q.retained_objects += tree.retained_objects[tree.number_of[node]];
    const auto& f = model.queued_finalizers[groups[g].index];
    add_breakdown(q.by_type, f.ot, bytes);
    add_breakdown(q.by_function, f.fn_code, bytes);
  }
  sort_by_bytes(q.by_type);
  sort_by_bytes(q.by_function);
  return q;
}

std::vector<FinalizerCycle> finalizer_cycles(const HeapModel& model,
                                             const std::vector<RootGroup>& groups,
                                             const RetentionGraph& graph, const DominatorTree& tree,
                                             const BigVector<uint32_t>& top) {
  std::vector<FinalizerCycle> out;
  for (uint32_t g = 0; g < groups.size(); g++) {
    if (groups[g].kind != RootGroupKind::kFinalizer) continue;
    ObjectId obj = model.find(groups[g].address);
    if (obj == kNoObject || !tree.reached(graph.object_node(obj))) continue;
    const uint32_t group_number = tree.number_of[g + 1];
    // Held only through this finalizer: nothing but its own referents keeps it.
    if (top[tree.number_of[graph.object_node(obj)]] != group_number) continue;
    // ... and it reaches itself. Any path back runs through objects this group alone holds.
    std::unordered_map<ObjectId, ObjectId> parent;
    std::vector<ObjectId> frontier;
    for (ObjectId c : model.children(obj))
      if (parent.emplace(c, obj).second) frontier.push_back(c);
    bool found = parent.count(obj) > 0;
    for (size_t i = 0; i < frontier.size() && !found; i++) {
      for (ObjectId c : model.children(frontier[i])) {
        if (top[tree.number_of[graph.object_node(c)]] != group_number) continue;
        if (parent.emplace(c, frontier[i]).second) {
          if (c == obj) {
            found = true;
            break;
          }
          frontier.push_back(c);
        }
      }
    }
    if (!found) continue;
    FinalizerCycle fc{groups[g].index,
                      obj,
                      {},
                      tree.retained_bytes[group_number],
                      tree.retained_objects[group_number]};
    ObjectId cur = parent.at(obj);
    fc.cycle.push_back(obj);
    while (cur != obj) {
      fc.cycle.push_back(cur);
      cur = parent.at(cur);
    }
    fc.cycle.push_back(obj);
    std::reverse(fc.cycle.begin() + 1, fc.cycle.end() - 1);
    out.push_back(std::move(fc));
  }
  return out;
}

Suspect describe_suspect(const HeapModel& model, const RetentionGraph& graph,
                         const DominatorTree& tree, const DominatorChildren& children,
                         const BigVector<uint32_t>& top, uint32_t group,
                         const RetentionOptions& options) {
  const uint32_t gnum = tree.number_of[group + 1];
  Suspect s{group, tree.retained_bytes[gnum], tree.retained_objects[gnum], 0.0, {}, 0, 0, {}};
  uint32_t v = gnum;
  for (;;) {
    uint32_t best = kUnreached;
    for (uint32_t c : children.of(v))
      if (best == kUnreached || tree.retained_bytes[c] > tree.retained_bytes[best]) best = c;
    if (best == kUnreached) break;
    bool descend =
        v == gnum || static_cast<double>(tree.retained_bytes[best]) >=
                         options.accumulation_share * static_cast<double>(tree.retained_bytes[v]);
    if (!descend) break;
    v = best;
    s.chain.push_back(graph.object(tree.node_of[v]));
  }
  s.accumulation_retained_bytes = tree.retained_bytes[v];
  s.accumulation_children = children.of(v).size();
  // Allocation stacks of the sampled objects this group retains.
  std::unordered_map<uint64_t, const MemProfBucket*> buckets;
  for (const auto& b : model.buckets) buckets.emplace(b.id, &b);
  std::map<const MemProfBucket*, AllocationStack> by_bucket;
  for (const auto& sample : model.alloc_samples) {
    if (sample.object == kNoObject) continue;
    uint32_t num = tree.number_of[graph.object_node(sample.object)];
    if (num == kUnreached || top[num] != gnum) continue;
    auto b = buckets.find(sample.bucket);
    if (b == buckets.end()) continue;
    auto& row = by_bucket.try_emplace(b->second, AllocationStack{b->second}).first->second;
    row.sampled_objects++;
    row.sampled_bytes += model.size(sample.object);
  }
  for (auto& [_, row] : by_bucket) s.stacks.push_back(row);
  std::sort(s.stacks.begin(), s.stacks.end(),
            [](const auto& a, const auto& b) { return a.sampled_bytes > b.sampled_bytes; });
  if (s.stacks.size() > options.stacks_per_suspect) s.stacks.resize(options.stacks_per_suspect);
  if (!s.stacks.empty() && !s.stacks.front().bucket->frames.empty()) {
    const auto& frames = s.stacks.front().bucket->frames;
    const auto user = std::find_if(frames.begin(), frames.end(), [](const auto& f) {
      return !goruntime::is_runtime_package(f.function);
    });
    s.allocation_site = (user == frames.end() ? frames.front() : *user).function;
  }
  return s;
}

std::vector<CycleFamily> cycle_families(const HeapModel& model,
                                        const std::vector<FinalizerCycle>& cycles) {
  std::vector<CycleFamily> families;
  for (size_t i = 0; i < cycles.size(); i++) {
    const uint64_t fn = model.finalizers[cycles[i].finalizer].fn_code;
    auto it = std::find_if(families.begin(), families.end(),
                           [&](const CycleFamily& f) { return f.fn_code == fn; });
    if (it == families.end()) it = families.insert(families.end(), CycleFamily{fn, {}, 0});
    it->cycles.push_back(i);
    it->retained_bytes += cycles[i].retained_bytes;
  }
  return families;
}

// The runtime's own bookkeeping (allp, allm, the scheduler's goroutines) is not what a user can
// leak; it stays in the top retainers but is never called a suspect.
bool owned_by_runtime(const HeapModel& model, const RootGroup& g) {
  switch (g.kind) {
    case RootGroupKind::kGlobal:
      return g.variable &&
             (goruntime::is_runtime_package(*g.variable) || g.variable->starts_with("internal/"));
    case RootGroupKind::kGoroutine:
      return model.goroutines[g.index].record.is_system;
    default:
      return false;
  }
}

}  // namespace

RetentionReport analyze_retention(const HeapModel& model, const std::vector<RootGroup>& groups,
                                  const DominatorTree& tree, const DominatorChildren& children,
                                  const RetentionOptions& options) {
  RetentionGraph graph(model, groups);
  RetentionReport r;
  r.live_bytes = tree.retained_bytes[0];
  r.live_objects = tree.retained_objects[0];
  r.garbage_objects = model.object_count() - r.live_objects;
  r.garbage_bytes = model.object_bytes - r.live_bytes;

  std::vector<Retainer> all;
  for (uint32_t g = 0; g < groups.size(); g++) {
    uint32_t num = tree.number_of[g + 1];
    all.push_back({g, tree.retained_bytes[num], tree.retained_objects[num]});
  }
  std::sort(all.begin(), all.end(), [](const Retainer& a, const Retainer& b) {
    return a.retained_bytes != b.retained_bytes ? a.retained_bytes > b.retained_bytes
                                                : a.group < b.group;
  });
  r.top_retainers.assign(all.begin(), all.begin() + static_cast<ptrdiff_t>(std::min(
                                                        all.size(), options.top_retainers)));

  r.queue = queue_stats(model, groups, tree);
  r.finalizer_goroutine = find_finalizer_goroutine(model);
  r.cleanup_goroutines = find_cleanup_goroutines(model);
  r.cleanup_queue_dumped = dump_has_cleanup_queue(model);
  auto top = owning_groups(tree);
  r.finalizer_cycles = finalizer_cycles(model, groups, graph, tree, top);
  r.cycle_families = cycle_families(model, r.finalizer_cycles);
  r.suspect_share = options.suspect_share;

  for (const auto& row : all) {
    double share = r.live_bytes
                       ? static_cast<double>(row.retained_bytes) / static_cast<double>(r.live_bytes)
                       : 0;
    if (share < options.suspect_share || row.retained_bytes == 0) break;
    if (owned_by_runtime(model, groups[row.group])) continue;
    auto s = describe_suspect(model, graph, tree, children, top, row.group, options);
    s.share = share;
    r.suspects.push_back(std::move(s));
  }
  return r;
}

}  // namespace leakseek::heap
