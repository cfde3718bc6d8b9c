#pragma once
// What heap renderers need besides the result itself: the model to name objects and roots, and
// the program's symbols when the user gave --program.
#include <string>

#include "binary/dwarf_types.h"
#include "binary/program_symbols.h"
#include "binary/runtime_types.h"
#include "heap/heap_model.h"
#include "heap/object_types.h"
#include "heap/root_description.h"

namespace leakseek::report {

struct HeapContext {
  const heap::HeapModel& model;
  const binary::ProgramSymbols* symbols = nullptr;
  // With --program: the binary's DWARF types and what each object was typed as.
  const binary::DwarfTypes* dwarf = nullptr;
  const heap::ObjectTypes* types = nullptr;
  // With --program: the runtime type descriptors, which name the types the dump refers to by
  // address (finalizers' object types); Go 1.20 and later list no symbol for each.
  const binary::RuntimeTypes* runtime = nullptr;
};

// What the object is ("main.Session", "[]*main.Node"), or "" when untyped or unknown.
std::string object_type(const HeapContext& ctx, heap::ObjectId id);
// The field of the object at `offset` (".Owner", "[3].next"), or "".
std::string object_field(const HeapContext& ctx, heap::ObjectId id, uint64_t offset);

// "data main.cache+0x8", "goroutine 7 frame main.worker+0x18", "finalizer of 0xc000010000"...
std::string root_label(const heap::RootDescription& d);
std::string root_label(const HeapContext& ctx, const heap::Root& root);
// The function whose code contains pc, by the program's symbols; the address when unknown.
std::string function_label(const HeapContext& ctx, uint64_t pc);
// The type whose descriptor is at `addr` ("*main.Rows"), as Go prints it; the address when
// unknown.
std::string type_label(const HeapContext& ctx, uint64_t addr);

}  // namespace leakseek::report
