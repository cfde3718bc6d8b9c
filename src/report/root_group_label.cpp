#include <fmt/format.h>

#include "heap/finalizer_goroutine.h"
#include "report/retention_json.h"
#include "report/units.h"

namespace leakseek::report {

std::string root_group_label(const HeapContext& ctx, const heap::RootGroup& g) {
  using heap::RootGroupKind;
  switch (g.kind) {
    case RootGroupKind::kGlobal:
      return g.variable ? *g.variable
                        : fmt::format("{} word at {}", g.bss ? "bss" : "data", hex(g.address));
    case RootGroupKind::kGoroutine: {
      const auto& gr = ctx.model.goroutines[g.index].record;
      return fmt::format("goroutine {} ({})", gr.goid,
                         heap::goroutine_function(ctx.model, g.index));
    }
    case RootGroupKind::kFinalizer:
      return fmt::format("finalizer of {} ({})", hex(g.address),
                         function_label(ctx, ctx.model.finalizers[g.index].fn_code));
    case RootGroupKind::kQueuedFinalizer:
      return fmt::format("finalizer queue: {} ({})", hex(g.address),
                         function_label(ctx, ctx.model.queued_finalizers[g.index].fn_code));
    case RootGroupKind::kOther:
      return "other roots";
  }
  return "?";
}

}  // namespace leakseek::report
