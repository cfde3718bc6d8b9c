#include "heap/root_groups.h"

#include <algorithm>
#include <map>
#include <unordered_map>

namespace leakseek::heap {

std::string_view root_group_kind_name(RootGroupKind kind) {
  switch (kind) {
    case RootGroupKind::kGlobal:
      return "global";
    case RootGroupKind::kGoroutine:
      return "goroutine";
    case RootGroupKind::kFinalizer:
      return "finalizer";
    case RootGroupKind::kQueuedFinalizer:
      return "queued_finalizer";
    case RootGroupKind::kOther:
      return "other";
  }
  return "?";
}

std::vector<RootGroup> group_roots(const HeapModel& model, const binary::ProgramSymbols* symbols) {
  std::vector<RootGroup> groups;
  std::map<std::pair<int, uint64_t>, size_t> index;  // (kind, key) -> group, in a stable order
  auto group = [&](RootGroupKind kind, uint64_t key, auto&& init) -> RootGroup& {
    auto [it, fresh] = index.emplace(std::make_pair(static_cast<int>(kind), key), groups.size());
    if (fresh) {
      RootGroup r;
      r.kind = kind;
      init(r);
      groups.push_back(std::move(r));
    }
    return groups[it->second];
  };
  std::unordered_map<uint64_t, uint32_t> goroutine_by_addr;
  for (uint32_t i = 0; i < model.goroutines.size(); i++)
    goroutine_by_addr[model.goroutines[i].record.addr] = i;
  auto goroutine_group = [&](uint32_t g) -> RootGroup& {
    return group(RootGroupKind::kGoroutine, g, [&](RootGroup& r) { r.index = g; });
  };

  for (const auto& root : model.roots) {
    RootGroup* g = nullptr;
    switch (root.kind) {
      case RootKind::kData:
      case RootKind::kBss: {
        const auto& seg = model.segments[root.source];
        uint64_t word = seg.addr + root.offset;
        const binary::Symbol* var = symbols ? symbols->variable_at(word) : nullptr;
        uint64_t key = var ? var->addr : word;
        g = &group(RootGroupKind::kGlobal, key, [&](RootGroup& r) {
          r.address = key;
          r.bss = seg.bss;
          if (var) r.variable = var->name;
        });
        break;
      }
      case RootKind::kStackFrame: {
        uint32_t gi = model.frames[root.source].goroutine;
        g = gi == UINT32_MAX ? &group(RootGroupKind::kOther, 0, [](RootGroup&) {})
                             : &goroutine_group(gi);
        break;
      }
      case RootKind::kGoroutineContext:
        g = &goroutine_group(root.source);
        break;
      case RootKind::kDefer:
      case RootKind::kPanic: {
        uint64_t gaddr = root.kind == RootKind::kDefer ? model.defers[root.source].goroutine
                                                       : model.panics[root.source].goroutine;
        auto it = goroutine_by_addr.find(gaddr);
        g = it == goroutine_by_addr.end() ? &group(RootGroupKind::kOther, 0, [](RootGroup&) {})
                                          : &goroutine_group(it->second);
        break;
      }
      case RootKind::kFinalizerFunction:
      case RootKind::kFinalizerReferent:
        g = &group(RootGroupKind::kFinalizer, root.source, [&](RootGroup& r) {
          r.index = root.source;
          r.address = model.finalizers[root.source].object;
        });
        break;
      case RootKind::kQueuedObject:
      case RootKind::kQueuedFunction:
        g = &group(RootGroupKind::kQueuedFinalizer, root.source, [&](RootGroup& r) {
          r.index = root.source;
          r.address = model.queued_finalizers[root.source].object;
        });
        break;
      case RootKind::kOther:
        g = &group(RootGroupKind::kOther, 0, [](RootGroup&) {});
        break;
    }
    g->targets.push_back(root.target);
  }
  for (auto& g : groups) {
    std::sort(g.targets.begin(), g.targets.end());
    g.targets.erase(std::unique(g.targets.begin(), g.targets.end()), g.targets.end());
  }
  return groups;
}

}  // namespace leakseek::heap
