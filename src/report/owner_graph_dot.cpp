#include "report/owner_graph_dot.h"

#include <fmt/format.h>

#include <unordered_map>

#include "report/units.h"

namespace leakseek::report {

namespace {

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string owner_graph_dot(const HeapContext& ctx, const heap::OwnerGraph& g) {
  std::string out =
      "digraph owners {\n  rankdir=BT;\n  node [shape=box, fontname=\"monospace\", fontsize=10];\n";
  out += "  edge [fontname=\"monospace\", fontsize=9];\n";
  for (size_t i = 0; i < g.nodes.size(); i++) {
    heap::ObjectId id = g.nodes[i];
    std::string attrs =
        fmt::format("label={}", quote(fmt::format("{}\\n{}", hex(ctx.model.object_addr[id]),
                                                  human_bytes(ctx.model.size(id)))));
    if (id == g.target) attrs += ", style=filled, fillcolor=\"#ffd54f\", penwidth=2";
    if (g.has_finalizer[i]) attrs += ", color=red, penwidth=2";
    out += fmt::format("  o{} [{}];\n", id, attrs);
  }
  for (const auto& e : g.edges) {
    std::string label;
    for (uint64_t off : e.field_offsets)
      label += fmt::format("{}+{:#x}", label.empty() ? "" : ",", off);
    if (e.target_offset) label += fmt::format(" -> +{:#x}", e.target_offset);
    // Edges point from owner to owned, as pointers do.
    out += fmt::format("  o{} -> o{} [label={}{}];\n", e.from, e.to, quote(label),
                       e.target_offset ? ", style=dashed" : "");
  }
  for (size_t i = 0; i < g.roots.size(); i++) {
    out += fmt::format("  r{} [shape=ellipse, style=filled, fillcolor=\"#b3e5fc\", label={}];\n", i,
                       quote(root_label(ctx, g.roots[i])));
    out += fmt::format("  r{} -> o{};\n", i, g.roots[i].target);
  }
  return out + "}\n";
}

}  // namespace leakseek::report
