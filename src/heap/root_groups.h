#pragma once
// Roots gathered into the units a user thinks in: a global variable, a goroutine (all its
// frames, closure context, defers and panics), a registered finalizer (its closure and what the
// finalized object points to), a queued finalizer (its object and closure). Retention is
// reported per group.
#include <optional>
#include <string>
#include <vector>

#include "binary/program_symbols.h"
#include "heap/heap_model.h"

namespace leakseek::heap {

enum class RootGroupKind : uint8_t { kGlobal, kGoroutine, kFinalizer, kQueuedFinalizer, kOther };
std::string_view root_group_kind_name(RootGroupKind kind);

struct RootGroup {
  RootGroupKind kind;
  // kGlobal: the variable (when the program's symbols name it) or the word's address.
  std::optional<std::string> variable;
  uint64_t address = 0;  // kGlobal: variable or word address; finalizers: the finalized object
  bool bss = false;
  // kGoroutine: index into goroutines; kFinalizer/kQueuedFinalizer: index into (queued_)finalizers.
  uint32_t index = 0;
  std::vector<ObjectId> targets;  // objects the group's roots point at (deduplicated)
};

std::vector<RootGroup> group_roots(const HeapModel& model, const binary::ProgramSymbols* symbols);

}  // namespace leakseek::heap
