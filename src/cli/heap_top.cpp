#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/heap_common.h"
#include "heap/dominator_top.h"
#include "heap/dominators.h"
#include "heap/root_groups.h"
#include "report/dominator_top.h"
#include "report/retention_json.h"

namespace leakseek::cli {

namespace {

// --under names an object by any address inside it, or a root group by its label as `top` and
// `summary` print it ("main.cache", "goroutine 7 (main.worker)").
uint32_t start_node(const LoadedHeap& h, const std::vector<heap::RootGroup>& groups,
                    const heap::RetentionGraph& graph, const heap::DominatorTree& tree,
                    const std::string& under) {
  if (under.empty()) return 0;
  auto ctx = h.context();
  for (uint32_t g = 0; g < groups.size(); g++)
    if (report::root_group_label(ctx, groups[g]) == under) return g + 1;
  uint32_t node = graph.object_node(object_at(h.model, parse_address(under)));
  if (!tree.reached(node))
    throw UsageError(
        fmt::format("{} is not reachable from any root (garbage): nothing under it", under));
  return node;
}

}  // namespace

void add_heap_top(CLI::App& heap) {
  auto args = std::make_shared<HeapArgs>();
  auto under = std::make_shared<std::string>();
  auto options = std::make_shared<heap::DominatorTopOptions>();
  auto* cmd = heap.add_subcommand(
      "top", "the dominator tree from the top: what retains the most, level by level");
  add_heap_args(*cmd, *args);
  cmd->add_option("--under", *under,
                  "start below this object (any address inside it) or root (its label)");
  cmd->add_option("-n,--children", options->children, "children listed per node")
      ->capture_default_str();
  cmd->add_option("--depth", options->depth, "levels expanded")->capture_default_str();
  cmd->callback([=] {
    auto h = load_heap(*args);
    heap::HeapRetention r(h.model, h.symbols ? &*h.symbols : nullptr);
    heap::DominatorTopOptions o = *options;
    o.under = start_node(h, r.groups, r.graph, r.tree, *under);
    auto top = heap::dominator_top(r.graph, r.tree, r.children, o);
    auto ctx = h.context();
    if (args->json) {
      fmt::print("{}\n", report::dominator_top_json(ctx, r.groups, r.graph, top).dump(2));
    } else {
      fmt::print("{}", report::dominator_top_text(ctx, r.groups, r.graph, top));
    }
  });
}

}  // namespace leakseek::cli
