#pragma once
// What heap renderers need besides the result itself: the model to name objects and roots, and
// the program's symbols when the user gave --program.
#include <string>

#include "binary/program_symbols.h"
#include "heap/heap_model.h"
#include "heap/root_description.h"

namespace leakseek::report {

struct HeapContext {
  const heap::HeapModel& model;
  const binary::ProgramSymbols* symbols = nullptr;
};

// "data main.cache+0x8", "goroutine 7 frame main.worker+0x18", "finalizer of 0xc000010000"...
std::string root_label(const heap::RootDescription& d);
std::string root_label(const HeapContext& ctx, const heap::Root& root);
// The function whose code contains pc, by the program's symbols; the address when unknown.
std::string function_label(const HeapContext& ctx, uint64_t pc);

}  // namespace leakseek::report
