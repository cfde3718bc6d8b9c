#pragma once
// Which variable a root's pointer word belongs to, by the program's DWARF: a global ("main.cache")
// or a parked goroutine's local or parameter ("held"), and the field inside it (".Owner",
// "[2]"), so a path from a root reads the way the code is written.
#include <cstdint>
#include <optional>
#include <string>

#include "binary/dwarf_types.h"
#include "heap/heap_model.h"

namespace leakseek::heap {

struct VariableSlot {
  std::string variable;
  std::string field;  // empty when the word is the variable itself
};

// The global variable covering the word at `addr`.
std::optional<VariableSlot> global_slot(const binary::DwarfTypes& dwarf, uint64_t addr);

// The local or parameter stored at `offset` in frame `frame` (an index into model.frames): one of
// the frame's own, or a callee's argument spilled into this frame.
std::optional<VariableSlot> frame_slot(const HeapModel& model, const binary::DwarfTypes& dwarf,
                                       uint32_t frame, uint64_t offset);

}  // namespace leakseek::heap
