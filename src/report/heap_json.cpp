#include "report/heap_json.h"

#include <fmt/format.h>

#include "report/units.h"

namespace leakseek::report {

using nlohmann::json;

json summary_json(const heap::HeapSummary& s) {
  json roots = json::object();
  uint64_t total = 0;
  for (int k = 0; k < heap::kRootKindCount; k++) {
    roots[std::string(heap::root_kind_name(static_cast<heap::RootKind>(k)))] = s.roots_by_kind[k];
    total += s.roots_by_kind[k];
  }
  roots["total"] = total;
  json j = {
      {"go_version", s.go_version},
      {"arch", s.arch},
      {"ptr_size", s.ptr_size},
      {"dump_bytes", s.dump_bytes},
      {"objects", s.objects},
      {"object_bytes", s.object_bytes},
      {"pointers", s.pointers},
      {"reachable_objects", s.reachable_objects},
      {"reachable_bytes", s.reachable_bytes},
      {"garbage_objects", s.garbage_objects},
      {"garbage_bytes", s.garbage_bytes},
      {"goroutines", s.goroutines},
      {"system_goroutines", s.system_goroutines},
      {"threads", s.threads},
      {"finalizers", {{"registered", s.finalizers_registered}, {"queued", s.finalizers_queued}}},
      {"roots", roots},
      {"memprof_buckets", s.memprof_buckets},
      {"alloc_samples", s.alloc_samples},
  };
  if (s.has_mem_stats) {
    j["memstats"] = {{"HeapAlloc", s.memstats_heap_alloc},
                     {"HeapObjects", s.memstats_heap_objects},
                     {"NumGC", s.memstats_num_gc}};
  } else {
    j["memstats"] = nullptr;
  }
  return j;
}

json root_json(const HeapContext& ctx, const heap::Root& root) {
  auto d = heap::describe_root(ctx.model, ctx.symbols, root, ctx.dwarf);
  json j = {{"kind", heap::root_kind_name(root.kind)},
            {"label", root_label(d)},
            {"target", hex(d.target_addr)}};
  if (d.word_addr) j["word"] = hex(*d.word_addr);
  if (d.variable) j["variable"] = *d.variable, j["variable_offset"] = d.variable_offset;
  if (d.goid) j["goid"] = *d.goid;
  if (!d.function.empty()) j["function"] = d.function, j["frame_offset"] = d.frame_offset;
  if (d.frame_variable) j["frame_variable"] = *d.frame_variable;
  if (!d.field.empty()) j["field"] = d.field;
  if (d.finalized_object) j["finalized_object"] = hex(*d.finalized_object);
  if (d.finalizer_function) j["finalizer_function"] = *d.finalizer_function;
  return j;
}

namespace {

json object_ref(const HeapContext& ctx, heap::ObjectId id) {
  json j = {{"base", hex(ctx.model.object_addr[id])}, {"size", ctx.model.size(id)}};
  if (std::string type = object_type(ctx, id); !type.empty()) j["type"] = type;
  return j;
}

json path_json(const HeapContext& ctx, const heap::RootPath& p) {
  json steps = json::array();
  for (size_t i = 0; i < p.steps.size(); i++) {
    const auto& s = p.steps[i];
    json st = object_ref(ctx, s.object);
    st["via_offset"] = s.offset;
    if (i > 0)
      if (std::string f = object_field(ctx, p.steps[i - 1].object, s.offset); !f.empty())
        st["via_field"] = f;
    steps.push_back(st);
  }
  return {{"root", root_json(ctx, p.root)}, {"length", p.steps.size()}, {"steps", steps}};
}

}  // namespace

json object_json(const HeapContext& ctx, const heap::ObjectInspection& o) {
  json ptrs = json::array();
  for (const auto& p : o.pointers) {
    json pj = {{"offset", p.offset}, {"value", hex(p.value)}};
    if (std::string f = object_field(ctx, o.id, p.offset); !f.empty()) pj["field"] = f;
    if (p.target != heap::kNoObject) {
      pj["target"] = hex(ctx.model.object_addr[p.target]);
      pj["target_offset"] = p.target_offset;
    } else {
      pj["target"] = nullptr;
    }
    ptrs.push_back(pj);
  }
  json j = {{"address", hex(o.query_addr)},
            {"base", hex(o.base)},
            {"size", o.size},
            {"offset_in_object", o.query_addr - o.base},
            {"live", o.live},
            {"has_finalizer", o.has_finalizer},
            {"queued_for_finalization", o.queued_for_finalization},
            {"may_have_type_header", o.may_have_type_header},
            {"owners", o.owners},
            {"roots", o.roots},
            {"pointers", ptrs}};
  if (std::string type = object_type(ctx, o.id); !type.empty()) j["type"] = type;
  std::string bytes;
  for (uint8_t b : ctx.model.contents(o.id)) bytes += fmt::format("{:02x}", b);
  j["contents_hex"] = bytes;
  if (o.allocation) {
    json frames = json::array();
    for (const auto& f : o.allocation->frames)
      frames.push_back({{"function", f.function}, {"file", f.file}, {"line", f.line}});
    j["allocation"] = {{"size", o.allocation->size}, {"stack", frames}};
  } else {
    j["allocation"] = nullptr;
  }
  return j;
}

json owners_json(const HeapContext& ctx, const heap::OwnersResult& r) {
  json edges = json::array();
  for (const auto& e : r.edges) {
    edges.push_back({{"level", e.level},
                     {"owner", object_ref(ctx, e.owner)},
                     {"owned", hex(ctx.model.object_addr[e.owned])},
                     {"offsets", e.offsets}});
  }
  json roots = json::array();
  for (const auto& root : r.roots) roots.push_back(root_json(ctx, root));
  return {{"target", object_ref(ctx, r.target)},
          {"owners", edges},
          {"roots", roots},
          {"truncated", r.truncated}};
}

json why_json(const HeapContext& ctx, const heap::WhyResult& r) {
  json paths = json::array();
  for (const auto& p : r.paths) paths.push_back(path_json(ctx, p));
  json j = {{"target", object_ref(ctx, r.target)},
            {"retention", heap::retention_name(r.retention)},
            {"paths", paths}};
  if (r.finalized_object != heap::kNoObject)
    j["finalized_object"] = hex(ctx.model.object_addr[r.finalized_object]);
  if (!r.cycle.empty()) {
    json cyc = json::array();
    for (auto id : r.cycle) cyc.push_back(hex(ctx.model.object_addr[id]));
    j["finalizer_cycle"] = cyc;
  }
  return j;
}

json oid_matches_json(const HeapContext& ctx, const std::vector<heap::OidMatch>& matches) {
  json out = json::array();
  for (const auto& m : matches) {
    json j = object_ref(ctx, m.object);
    j["oid"] = hex(m.entry->value);
    j["name"] = m.entry->name;
    j["word_offset"] = m.word_offset;
    out.push_back(j);
  }
  return {{"matches", out}, {"count", matches.size()}};
}

json owner_graph_json(const HeapContext& ctx, const heap::OwnerGraph& g) {
  json nodes = json::array();
  for (size_t i = 0; i < g.nodes.size(); i++) {
    json n = object_ref(ctx, g.nodes[i]);
    n["finalizer"] = static_cast<bool>(g.has_finalizer[i]);
    n["target"] = g.nodes[i] == g.target;
    nodes.push_back(n);
  }
  json edges = json::array();
  for (const auto& e : g.edges) {
    edges.push_back({{"from", hex(ctx.model.object_addr[e.from])},
                     {"to", hex(ctx.model.object_addr[e.to])},
                     {"offsets", e.field_offsets},
                     {"target_offset", e.target_offset}});
  }
  json roots = json::array();
  for (const auto& r : g.roots) roots.push_back(root_json(ctx, r));
  return {{"nodes", nodes},
          {"edges", edges},
          {"roots", roots},
          {"pruned", g.pruned},
          {"truncated", g.truncated}};
}

}  // namespace leakseek::report
