#include "profiles/diff.h"

#include <algorithm>
#include <map>

#include "profiles/base_merge.h"
#include "profiles/function_frames.h"

namespace leakseek::profiles {

namespace {

int64_t sum(const Profile& p, size_t type) {
  int64_t s = 0;
  for (const auto& sample : p.samples()) s += sample.values[type];
  return s;
}

std::vector<DiffStack> changed_stacks(const BaseMerge& m, size_t type) {
  const Profile& p = m.merged;
  const size_t types = p.sample_types().size();
  FunctionFrames frames(p);
  std::map<std::vector<uint32_t>, DiffStack> groups;
  for (size_t s = 0; s < p.samples().size(); s++) {
    int64_t delta = p.samples()[s].values[type];
    if (delta == 0) continue;
    DiffStack& g = groups[frames.sample_nodes(s)];
    g.base += m.base_values[s * types + type];
    g.current += m.current_values[s * types + type];
    g.delta += delta;
  }
  std::vector<DiffStack> out;
  for (auto& [nodes, g] : groups) {
    if (g.delta == 0) continue;
    for (uint32_t n : nodes) g.frames.push_back(frames.name(n));
    out.push_back(std::move(g));
  }
  std::stable_sort(out.begin(), out.end(), [](const DiffStack& a, const DiffStack& b) {
    if (a.delta != b.delta) return a.delta > b.delta;
    return a.frames < b.frames;
  });
  return out;
}

}  // namespace

DiffResult diff(const Profile& base, const Profile& current, const DiffOptions& o) {
  BaseMerge m = merge_with_base(base, current);
  DiffResult r;
  r.sample_type = current.sample_types().at(o.sample_index);
  r.base_total = sum(base, o.sample_index);
  r.current_total = sum(current, o.sample_index);

  TopOptions top_options;
  top_options.sample_index = o.sample_index;
  top_options.node_fraction = o.node_fraction;
  r.functions = top(m.merged, top_options);
  auto& rows = r.functions.rows;
  std::stable_sort(rows.begin(), rows.end(), [](const TopRow& a, const TopRow& b) {
    if (a.flat != b.flat) return a.flat > b.flat;
    if (a.cum != b.cum) return a.cum > b.cum;
    return a.function < b.function;
  });
  if (o.functions > 0 && rows.size() > o.functions) rows.resize(o.functions);

  r.stacks = changed_stacks(m, o.sample_index);
  r.changed_stacks = r.stacks.size();
  if (o.stacks > 0 && r.stacks.size() > o.stacks) r.stacks.resize(o.stacks);
  return r;
}

}  // namespace leakseek::profiles
