#include "report/retention_json.h"

#include "report/units.h"

namespace leakseek::report {

using nlohmann::json;

namespace {

json stack_json(const heap::MemProfBucket& b) {
  json frames = json::array();
  for (const auto& f : b.frames)
    frames.push_back({{"function", f.function}, {"file", f.file}, {"line", f.line}});
  return frames;
}

}  // namespace

json root_group_json(const HeapContext& ctx, const heap::RootGroup& g) {
  json j = {{"kind", heap::root_group_kind_name(g.kind)}, {"label", root_group_label(ctx, g)}};
  if (g.variable) j["variable"] = *g.variable;
  if (g.kind == heap::RootGroupKind::kGlobal) j["address"] = hex(g.address);
  if (g.kind == heap::RootGroupKind::kGoroutine)
    j["goid"] = ctx.model.goroutines[g.index].record.goid;
  if (g.kind == heap::RootGroupKind::kFinalizer ||
      g.kind == heap::RootGroupKind::kQueuedFinalizer) {
    j["object"] = hex(g.address);
  }
  return j;
}

void add_retention_json(const HeapContext& ctx, const std::vector<heap::RootGroup>& groups,
                        const heap::RetentionReport& r, json& out) {
  out["reachable_objects"] = r.live_objects;
  out["reachable_bytes"] = r.live_bytes;
  out["garbage_objects"] = r.garbage_objects;
  out["garbage_bytes"] = r.garbage_bytes;

  auto& fin = out["finalizers"];
  fin["queued_retained_bytes"] = r.queue.retained_bytes;
  fin["queued_retained_objects"] = r.queue.retained_objects;
  json by_type = json::array(), by_fn = json::array();
  for (const auto& t : r.queue.by_type)
    by_type.push_back({{"type", type_label(ctx, t.key)},
                       {"type_address", hex(t.key)},
                       {"count", t.count},
                       {"retained_bytes", t.retained_bytes}});
  for (const auto& f : r.queue.by_function)
    by_fn.push_back({{"function", function_label(ctx, f.key)},
                     {"pc", hex(f.key)},
                     {"count", f.count},
                     {"retained_bytes", f.retained_bytes}});
  fin["queued_by_type"] = by_type;
  fin["queued_by_function"] = by_fn;

  const auto& fg = r.finalizer_goroutine;
  if (fg && fg->blocked) {
    out["finalizer_goroutine"] = {{"goid", fg->goid},
                                  {"wait_reason", fg->wait_reason},
                                  {"function", fg->function},
                                  {"blocked", fg->blocked},
                                  {"waiting_ns", fg->waiting_ns}};
  } else {
    out["finalizer_goroutine"] = nullptr;  // idle (waiting for work) or absent
  }

  json cleanups = json::array();
  for (const auto& cg : r.cleanup_goroutines)
    cleanups.push_back({{"goid", cg.goid},
                        {"wait_reason", cg.wait_reason},
                        {"function", cg.function},
                        {"blocked", cg.blocked},
                        {"waiting_ns", cg.waiting_ns}});
  out["cleanup_goroutines"] = cleanups;
  out["cleanup_queue_in_dump"] = r.cleanup_queue_dumped;

  json cycles = json::array();
  for (const auto& c : r.finalizer_cycles) {
    json objs = json::array();
    for (auto id : c.cycle) objs.push_back(hex(ctx.model.object_addr[id]));
    cycles.push_back({{"object", hex(ctx.model.object_addr[c.object])},
                      {"finalizer", function_label(ctx, ctx.model.finalizers[c.finalizer].fn_code)},
                      {"cycle", objs},
                      {"retained_bytes", c.retained_bytes},
                      {"retained_objects", c.retained_objects}});
  }
  out["finalizer_cycles"] = cycles;
  json families = json::array();
  for (const auto& f : r.cycle_families)
    families.push_back({{"finalizer", function_label(ctx, f.fn_code)},
                        {"cycles", f.cycles.size()},
                        {"retained_bytes", f.retained_bytes}});
  out["finalizer_cycle_families"] = families;
  out["suspect_share"] = r.suspect_share;

  json top = json::array();
  for (const auto& t : r.top_retainers) {
    const auto& g = groups[t.group];
    top.push_back({{"root", root_group_label(ctx, g)},
                   {"kind", heap::root_group_kind_name(g.kind)},
                   {"retained_bytes", t.retained_bytes},
                   {"objects", t.retained_objects}});
  }
  out["top_retainers"] = top;

  json suspects = json::array();
  for (const auto& s : r.suspects) {
    json chain = json::array();
    for (auto id : s.chain)
      chain.push_back({{"address", hex(ctx.model.object_addr[id])}, {"size", ctx.model.size(id)}});
    json stacks = json::array();
    for (const auto& st : s.stacks)
      stacks.push_back({{"sampled_objects", st.sampled_objects},
                        {"sampled_bytes", st.sampled_bytes},
                        {"stack", stack_json(*st.bucket)}});
    suspects.push_back({{"root", root_group_json(ctx, groups[s.group])},
                        {"retained_bytes", s.retained_bytes},
                        {"retained_objects", s.retained_objects},
                        {"share", s.share},
                        {"path", chain},
                        {"accumulation_retained_bytes", s.accumulation_retained_bytes},
                        {"accumulation_children", s.accumulation_children},
                        {"allocation_site", s.allocation_site},
                        {"allocation_stacks", stacks}});
  }
  out["suspects"] = suspects;
}

}  // namespace leakseek::report
