#include "heap/root_description.h"

#include "heap/variable_slots.h"

namespace leakseek::heap {

namespace {

std::optional<uint64_t> goid_of_goroutine_addr(const HeapModel& model, uint64_t g) {
  for (const auto& gr : model.goroutines)
    if (gr.record.addr == g) return gr.record.goid;
  return std::nullopt;
}

void describe_finalizer(const binary::ProgramSymbols* symbols, const format::FinalizerRecord& f,
                        RootDescription& d) {
  d.finalized_object = f.object;
  d.finalizer_pc = f.fn_code;
  if (symbols)
    if (const auto* fn = symbols->function_at(f.fn_code)) d.finalizer_function = fn->name;
}

}  // namespace

RootDescription describe_root(const HeapModel& model, const binary::ProgramSymbols* symbols,
                              const Root& root, const binary::DwarfTypes* dwarf) {
  RootDescription d;
  d.kind = root.kind;
  d.target_addr = model.object_addr[root.target];
  switch (root.kind) {
    case RootKind::kData:
    case RootKind::kBss: {
      const auto& seg = model.segments[root.source];
      d.word_addr = seg.addr + root.offset;
      if (symbols) {
        if (const auto* v = symbols->variable_at(*d.word_addr)) {
          d.variable = v->name;
          d.variable_offset = *d.word_addr - v->addr;
        }
      }
      if (dwarf && d.variable)
        if (auto slot = global_slot(*dwarf, *d.word_addr); slot && slot->variable == *d.variable)
          d.field = slot->field;
      break;
    }
    case RootKind::kStackFrame: {
      const auto& f = model.frames[root.source];
      d.word_addr = f.sp + root.offset;
      d.function = f.function;
      d.frame_offset = root.offset;
      if (f.goroutine < model.goroutines.size()) d.goid = model.goroutines[f.goroutine].record.goid;
      if (dwarf) {
        if (auto slot = frame_slot(model, *dwarf, root.source, root.offset)) {
          d.frame_variable = slot->variable;
          d.field = slot->field;
        }
      }
      break;
    }
    case RootKind::kGoroutineContext:
      d.goid = model.goroutines[root.source].record.goid;
      break;
    case RootKind::kDefer:
      d.goid = goid_of_goroutine_addr(model, model.defers[root.source].goroutine);
      break;
    case RootKind::kPanic:
      d.goid = goid_of_goroutine_addr(model, model.panics[root.source].goroutine);
      break;
    case RootKind::kFinalizerFunction:
    case RootKind::kFinalizerReferent:
      describe_finalizer(symbols, model.finalizers[root.source], d);
      if (root.kind == RootKind::kFinalizerReferent) d.frame_offset = root.offset;
      break;
    case RootKind::kQueuedObject:
    case RootKind::kQueuedFunction:
      describe_finalizer(symbols, model.queued_finalizers[root.source], d);
      break;
    case RootKind::kOther:
      break;
  }
  return d;
}

}  // namespace leakseek::heap
