#include "heap/variable_slots.h"

#include <span>

#include "heap/object_types.h"

namespace leakseek::heap {

namespace {

std::string field_in(const binary::DwarfTypes& dwarf, binary::TypeId type, uint64_t offset) {
  return field_path(dwarf, ObjectType{type, ObjectShape::kValue, 0, false}, offset);
}

}  // namespace

std::optional<VariableSlot> global_slot(const binary::DwarfTypes& dwarf, uint64_t addr) {
  const binary::GlobalVariable* g = dwarf.global_at(addr);
  if (!g) return std::nullopt;
  return VariableSlot{g->name,
                      g->type == binary::kNoType ? "" : field_in(dwarf, g->type, addr - g->addr)};
}

std::optional<VariableSlot> frame_slot(const HeapModel& model, const binary::DwarfTypes& dwarf,
                                       uint32_t frame, uint64_t offset) {
  if (frame >= model.frames.size()) return std::nullopt;
  const Frame& at = model.frames[frame];
  const uint64_t word = at.sp + offset;
  std::span<const Frame> frames(&at, 1);
  if (at.goroutine < model.goroutines.size()) {
    const Goroutine& g = model.goroutines[at.goroutine];
    frames = {model.frames.data() + g.first_frame, g.frame_count};
  }
  for (const Frame& f : frames) {
    for (const auto& v : dwarf.frame_variables().at(f.lookup_pc())) {
      for (const auto& p : *v.pieces) {
        uint64_t start = f.cfa() + static_cast<uint64_t>(p.cfa_offset);
        if (word < start || word - start >= p.size) continue;
        return VariableSlot{v.variable->name,
                            field_in(dwarf, v.variable->type, p.value_offset + (word - start))};
      }
    }
  }
  return std::nullopt;
}

}  // namespace leakseek::heap
