#include "report/dominator_top.h"

#include <fmt/format.h>

#include "report/retention_json.h"
#include "report/units.h"

namespace leakseek::report {

using nlohmann::json;

namespace {

std::string node_label(const HeapContext& ctx, const std::vector<heap::RootGroup>& groups,
                       const heap::RetentionGraph& graph, uint32_t node) {
  if (node == 0) return "all roots";
  if (graph.is_group(node)) {
    const auto& g = groups[graph.group(node)];
    return fmt::format("{} [{}]", root_group_label(ctx, g), heap::root_group_kind_name(g.kind));
  }
  return hex(ctx.model.object_addr[graph.object(node)]);
}

json node_json(const HeapContext& ctx, const std::vector<heap::RootGroup>& groups,
               const heap::RetentionGraph& graph, uint32_t node) {
  if (node == 0) return {{"kind", "all_roots"}};
  if (graph.is_group(node)) return root_group_json(ctx, groups[graph.group(node)]);
  auto id = graph.object(node);
  return {{"kind", "object"},
          {"address", hex(ctx.model.object_addr[id])},
          {"size", ctx.model.size(id)}};
}

std::string more_line(uint32_t depth, uint64_t children, uint64_t bytes) {
  return fmt::format("{:>{}}... {} more child{} retaining {}\n", "", 41 + 2 * depth, children,
                     children == 1 ? "" : "ren", human_bytes(bytes));
}

}  // namespace

std::string dominator_top_text(const HeapContext& ctx, const std::vector<heap::RootGroup>& groups,
                               const heap::RetentionGraph& graph, const heap::DominatorTop& top) {
  std::string out =
      fmt::format("dominator tree under {}: retains {} ({} of {} live) in {} objects\n",
                  node_label(ctx, groups, graph, top.under), human_bytes(top.retained_bytes),
                  percent_of(top.retained_bytes, top.live_bytes), human_bytes(top.live_bytes),
                  top.retained_objects);
  out += fmt::format("{:>10} {:>7} {:>10} {:>10}\n", "retained", "share", "objects", "self");
  // A row's hidden children are mentioned after its last listed descendant.
  std::vector<const heap::DominatorRow*> open;
  auto close_to = [&](uint32_t depth) {
    while (!open.empty() && open.back()->depth >= depth) {
      const auto* r = open.back();
      open.pop_back();
      if (r->expanded && r->hidden_children)
        out += more_line(r->depth, r->hidden_children, r->hidden_bytes);
    }
  };
  for (const auto& r : top.rows) {
    close_to(r.depth);
    std::string self = graph.is_object(r.node) ? human_bytes(r.self_bytes) : "-";
    out += fmt::format("{:>10} {:>7} {:>10} {:>10} {:>{}}{}\n", human_bytes(r.retained_bytes),
                       percent_of(r.retained_bytes, top.live_bytes), r.retained_objects, self, "",
                       2 * (r.depth - 1), node_label(ctx, groups, graph, r.node));
    open.push_back(&r);
  }
  close_to(1);
  if (top.hidden_children) out += more_line(0, top.hidden_children, top.hidden_bytes);
  return out;
}

json dominator_top_json(const HeapContext& ctx, const std::vector<heap::RootGroup>& groups,
                        const heap::RetentionGraph& graph, const heap::DominatorTop& top) {
  auto row_json = [&](const heap::DominatorRow& r) {
    return json{{"node", node_json(ctx, groups, graph, r.node)},
                {"retained_bytes", r.retained_bytes},
                {"retained_objects", r.retained_objects},
                {"self_bytes", r.self_bytes},
                {"children_total", r.children},
                {"hidden_children", r.hidden_children},
                {"hidden_bytes", r.hidden_bytes},
                {"children", json::array()}};
  };
  json out = {{"under", node_json(ctx, groups, graph, top.under)},
              {"retained_bytes", top.retained_bytes},
              {"retained_objects", top.retained_objects},
              {"live_bytes", top.live_bytes},
              {"hidden_children", top.hidden_children},
              {"hidden_bytes", top.hidden_bytes},
              {"children", json::array()}};
  // rows are depth-first: the open path holds the JSON arrays rows at each depth go into.
  std::vector<json*> open{&out["children"]};
  for (const auto& r : top.rows) {
    open.resize(r.depth);
    open.back()->push_back(row_json(r));
    open.push_back(&open.back()->back()["children"]);
  }
  return out;
}

}  // namespace leakseek::report
