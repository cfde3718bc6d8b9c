#include <fmt/format.h>

#include "report/heap_context.h"
#include "report/units.h"

namespace leakseek::report {

namespace {

std::string global_label(const heap::RootDescription& d) {
  std::string seg = d.kind == heap::RootKind::kData ? "data" : "bss";
  if (d.variable) {
    if (!d.field.empty() || !d.variable_offset)
      return fmt::format("{} {}{}", seg, *d.variable, d.field);
    return fmt::format("{} {}+{:#x}", seg, *d.variable, d.variable_offset);
  }
  return fmt::format("{} word at {}", seg, hex(d.word_addr.value_or(0)));
}

std::string goroutine_label(const heap::RootDescription& d) {
  return d.goid ? fmt::format("goroutine {}", *d.goid) : std::string("goroutine ?");
}

std::string finalizer_label(const heap::RootDescription& d) {
  std::string fn = d.finalizer_function ? " (" + *d.finalizer_function + ")" : "";
  return fmt::format("{}{}", hex(d.finalized_object.value_or(0)), fn);
}

}  // namespace

std::string root_label(const heap::RootDescription& d) {
  using heap::RootKind;
  switch (d.kind) {
    case RootKind::kData:
    case RootKind::kBss:
      return global_label(d);
    case RootKind::kStackFrame:
      if (d.frame_variable)
        return fmt::format("{} frame {} var {}{}", goroutine_label(d), d.function,
                           *d.frame_variable, d.field);
      return fmt::format("{} frame {} +{:#x}", goroutine_label(d), d.function, d.frame_offset);
    case RootKind::kGoroutineContext:
      return goroutine_label(d) + " closure context";
    case RootKind::kDefer:
      return goroutine_label(d) + " defer";
    case RootKind::kPanic:
      return goroutine_label(d) + " panic";
    case RootKind::kFinalizerFunction:
      return "finalizer function of " + finalizer_label(d);
    case RootKind::kFinalizerReferent:
      return fmt::format("finalized object {} +{:#x}", finalizer_label(d), d.frame_offset);
    case RootKind::kQueuedObject:
      return "finalizer queue: object " + finalizer_label(d);
    case RootKind::kQueuedFunction:
      return "finalizer queue: function for " + finalizer_label(d);
    case RootKind::kOther:
      return "other root";
  }
  return "root";
}

std::string root_label(const HeapContext& ctx, const heap::Root& root) {
  return root_label(heap::describe_root(ctx.model, ctx.symbols, root, ctx.dwarf));
}

std::string function_label(const HeapContext& ctx, uint64_t pc) {
  if (ctx.symbols)
    if (const auto* fn = ctx.symbols->function_at(pc)) return fn->name;
  return hex(pc);
}

std::string type_label(const HeapContext& ctx, uint64_t addr) {
  if (ctx.runtime) {
    auto r = ctx.runtime->resolve(addr);
    if (!r.name.empty()) return r.name;
  }
  if (ctx.symbols)
    if (auto name = ctx.symbols->type_at(addr)) return std::string(*name);
  return hex(addr);
}

std::string object_type(const HeapContext& ctx, heap::ObjectId id) {
  if (!ctx.types || !ctx.dwarf) return "";
  return heap::object_type_name(*ctx.dwarf, (*ctx.types)[id]);
}

std::string object_field(const HeapContext& ctx, heap::ObjectId id, uint64_t offset) {
  if (!ctx.types || !ctx.dwarf) return "";
  return heap::field_path(*ctx.dwarf, (*ctx.types)[id], offset);
}

}  // namespace leakseek::report
