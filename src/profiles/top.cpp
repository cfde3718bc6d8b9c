#include "profiles/top.h"

#include <algorithm>
#include <cstdlib>
#include <unordered_map>

#include "profiles/function_frames.h"

namespace leakseek::profiles {

namespace {

int64_t abs64(int64_t v) {
  return v < 0 ? -v : v;
}

struct NodeValues {
  std::vector<int64_t> flat, cum;
};

// pprof's graph pass over every sample (internal/graph newGraph): a sample's value goes to the
// cum of each distinct function on its stack, and to the flat of its leaf frame. Samples whose
// value is 0 are skipped, as pprof skips them.
NodeValues node_values(const Profile& p, const FunctionFrames& frames, size_t type) {
  const size_t n = frames.node_count();
  NodeValues v{std::vector<int64_t>(n, 0), std::vector<int64_t>(n, 0)};
  // seen[node] == stamp when the node already took this sample's value (recursion).
  std::vector<uint32_t> seen(n, 0);
  uint32_t stamp = 0;
  const auto& samples = p.samples();
  for (size_t s = 0; s < samples.size(); s++) {
    int64_t w = samples[s].values[type];
    if (w == 0) continue;
    auto locs = frames.sample_locations(s);
    if (locs.empty()) continue;
    if (++stamp == 0) {
      std::fill(seen.begin(), seen.end(), 0);
      stamp = 1;
    }
    for (uint32_t loc : locs)
      for (uint32_t node : frames.location_nodes(loc))
        if (seen[node] != stamp) {
          seen[node] = stamp;
          v.cum[node] += w;
        }
    v.flat[frames.location_nodes(locs[0])[0]] += w;
  }
  return v;
}

// pprof's inline marks come from the edges of the graph it prints: an edge into a node is inline
// when every first crossing of it within a sample was between lines of one location, and it
// counts only if its |weight| reaches edge_cutoff (pprof's -edgefraction trim). Nodes not in
// `eligible` do not exist in that graph: edges skip over them. Only edges into nodes that are
// ever inlined can be inline, so only those are tracked.
std::vector<InlineMark> inline_marks(const Profile& p, const FunctionFrames& frames, size_t type,
                                     const std::vector<bool>& eligible, int64_t edge_cutoff) {
  const size_t n = frames.node_count();
  std::vector<InlineMark> marks(n, InlineMark::kNone);
  std::vector<bool> tracked(n, false);
  bool any = false;
  for (uint32_t i = 0; i < n; i++) any |= (tracked[i] = eligible[i] && frames.ever_inlined(i));
  if (!any) return marks;

  struct Edge {
    bool inlined;
    int64_t weight;
  };
  // (caller, callee) -> edge.
  std::unordered_map<uint64_t, Edge> edges;
  std::vector<uint64_t> seen_in_sample;
  const auto& samples = p.samples();
  for (size_t s = 0; s < samples.size(); s++) {
    const int64_t w = samples[s].values[type];
    if (w == 0) continue;
    auto locs = frames.sample_locations(s);
    seen_in_sample.clear();
    uint32_t parent = UINT32_MAX;
    for (size_t i = locs.size(); i-- > 0;) {
      auto nodes = frames.location_nodes(locs[i]);
      for (size_t k = nodes.size(); k-- > 0;) {
        uint32_t node = nodes[k];
        if (!eligible[node]) continue;
        if (parent != UINT32_MAX && parent != node && tracked[node]) {
          uint64_t key = (uint64_t{parent} << 32) | node;
          if (std::find(seen_in_sample.begin(), seen_in_sample.end(), key) ==
              seen_in_sample.end()) {
            seen_in_sample.push_back(key);
            bool inlined = k != nodes.size() - 1;
            auto [it, added] = edges.emplace(key, Edge{inlined, w});
            if (!added) {
              it->second.weight += w;
              if (!inlined) it->second.inlined = false;
            }
          }
        }
        parent = node;
      }
    }
  }
  std::vector<uint8_t> has_inline(n, 0), has_call(n, 0);
  for (const auto& [key, e] : edges) {
    if (abs64(e.weight) < edge_cutoff) continue;
    uint32_t callee = static_cast<uint32_t>(key);
    (e.inlined ? has_inline : has_call)[callee] = 1;
  }
  for (uint32_t i = 0; i < n; i++)
    if (has_inline[i]) marks[i] = has_call[i] ? InlineMark::kPartial : InlineMark::kInline;
  return marks;
}

}  // namespace

TopResult top(const Profile& p, const TopOptions& o) {
  TopResult r;
  r.sample_type = p.sample_types().at(o.sample_index);
  for (const auto& s : p.samples()) r.total += abs64(s.values[o.sample_index]);

  FunctionFrames frames(p);
  NodeValues v = node_values(p, frames, o.sample_index);
  const size_t n = frames.node_count();

  // pprof leaves out nodes that took no value at all.
  std::vector<uint32_t> nodes;
  int64_t flat_sum = 0;
  for (uint32_t i = 0; i < n; i++) {
    flat_sum += v.flat[i];
    if (v.flat[i] != 0 || v.cum[i] != 0) nodes.push_back(i);
  }
  // Every node of the first graph exists for edges until a trim rebuilds it from fewer.
  std::vector<bool> eligible(n, true);
  const int64_t cutoff =
      abs64(static_cast<int64_t>(static_cast<double>(flat_sum) * o.node_fraction));
  r.drop_threshold = abs64(static_cast<int64_t>(static_cast<double>(r.total) * o.node_fraction));
  if (cutoff > 0) {
    std::vector<uint32_t> kept;
    for (uint32_t i : nodes)
      if (abs64(v.cum[i]) >= cutoff) kept.push_back(i);
    if (kept.size() != nodes.size()) {
      r.dropped = nodes.size() - kept.size();
      nodes = std::move(kept);
      std::fill(eligible.begin(), eligible.end(), false);
      for (uint32_t i : nodes) eligible[i] = true;
    }
  }
  r.kept = nodes.size();

  // pprof's FlatNameOrder (or CumNameOrder with -cum): magnitude, then printed name.
  auto by_name = [&](uint32_t a, uint32_t b) {
    if (frames.name(a) != frames.name(b)) return frames.name(a) < frames.name(b);
    return frames.tie_breaker(a) < frames.tie_breaker(b);
  };
  std::sort(nodes.begin(), nodes.end(), [&](uint32_t a, uint32_t b) {
    const auto& first = o.sort_by_cum ? v.cum : v.flat;
    const auto& second = o.sort_by_cum ? v.flat : v.cum;
    if (abs64(first[a]) != abs64(first[b])) return abs64(first[a]) > abs64(first[b]);
    if (frames.name(a) != frames.name(b)) return frames.name(a) < frames.name(b);
    if (abs64(second[a]) != abs64(second[b])) return abs64(second[a]) > abs64(second[b]);
    return by_name(a, b);
  });
  if (o.node_count > 0 && nodes.size() > o.node_count) {
    nodes.resize(o.node_count);
    std::fill(eligible.begin(), eligible.end(), false);
    for (uint32_t i : nodes) eligible[i] = true;
  }

  const int64_t edge_cutoff =
      abs64(static_cast<int64_t>(static_cast<double>(flat_sum) * o.edge_fraction));
  auto marks = inline_marks(p, frames, o.sample_index, eligible, edge_cutoff);
  r.rows.reserve(nodes.size());
  for (uint32_t i : nodes) r.rows.push_back({frames.name(i), v.flat[i], v.cum[i], marks[i]});
  return r;
}

}  // namespace leakseek::profiles
