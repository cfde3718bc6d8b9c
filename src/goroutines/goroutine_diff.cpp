#include "goroutines/goroutine_diff.h"

#include <algorithm>
#include <string>
#include <unordered_map>

#include "goroutines/goroutine_groups.h"

namespace leakseek::goroutines {

namespace {

int rank(const StackChange& c) {
  if (c.is_new) return 0;
  if (c.delta > 0) return 1;
  if (!c.is_gone) return 2;
  return 3;
}

}  // namespace

GoroutineDiff diff_goroutines(const GoroutineDump& now, const GoroutineDump& base) {
  // Grouping by top frame would merge different stacks, by stack would split on state and
  // creator; group by stack, then merge by signature below.
  GroupOptions options;
  Grouping now_groups = group_goroutines(now, options);
  Grouping base_groups = group_goroutines(base, options);
  GoroutineDiff out;
  out.total = now.total;
  out.base_total = base.total;

  std::unordered_map<std::string, StackChange> changes;
  std::vector<std::string> order;
  for (const auto& g : now_groups.groups) {
    auto [it, fresh] = changes.try_emplace(stack_signature(g.stack));
    if (fresh) {
      it->second.stack = g.stack;
      it->second.state = g.state;
      it->second.top_function = g.top_function;
      order.push_back(it->first);
    }
    it->second.count += g.count;
  }
  for (const auto& g : base_groups.groups) {
    auto [it, fresh] = changes.try_emplace(stack_signature(g.stack));
    if (fresh) {
      it->second.stack = g.stack;
      it->second.state = g.state;
      it->second.top_function = g.top_function;
      order.push_back(it->first);
    }
    it->second.base_count += g.count;
  }
  for (const auto& key : order) {
    StackChange& c = changes[key];
    c.delta = static_cast<int64_t>(c.count) - static_cast<int64_t>(c.base_count);
    c.is_new = c.base_count == 0;
    c.is_gone = c.count == 0;
    if (c.delta == 0) {
      out.unchanged_stacks++;
      continue;
    }
    out.changes.push_back(std::move(c));
  }
  std::stable_sort(out.changes.begin(), out.changes.end(),
                   [](const StackChange& a, const StackChange& b) {
                     if (rank(a) != rank(b)) return rank(a) < rank(b);
                     if (a.is_new) return a.count > b.count;
                     return a.delta > b.delta;
                   });
  return out;
}

}  // namespace leakseek::goroutines
