#pragma once
// Facts about where a root's pointer lives, gathered from the model and (optionally) the
// program's symbols, so renderers can name it without computing anything.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "binary/dwarf_types.h"
#include "binary/program_symbols.h"
#include "heap/heap_model.h"

namespace leakseek::heap {

struct RootDescription {
  RootKind kind;
  uint64_t target_addr = 0;
  // data/bss/stack: address of the pointer word.
  std::optional<uint64_t> word_addr;
  // data/bss: the global variable holding the word, and the word's offset inside it.
  std::optional<std::string> variable;
  uint64_t variable_offset = 0;
  // stack frame / goroutine context / defer / panic: the goroutine.
  std::optional<uint64_t> goid;
  std::string_view function;  // stack frame: the frame's function
  uint64_t frame_offset = 0;
  // stack frame, with DWARF: the local or parameter holding the word.
  std::optional<std::string> frame_variable;
  // With DWARF: the field of the global or local that holds the word (".Owner", "[3]").
  std::string field;
  // finalizers: the finalized object and the finalizer's function.
  std::optional<uint64_t> finalized_object;
  std::optional<std::string> finalizer_function;
  uint64_t finalizer_pc = 0;
};

// `dwarf` (optional) names stack variables and the fields of globals.
RootDescription describe_root(const HeapModel& model, const binary::ProgramSymbols* symbols,
                              const Root& root, const binary::DwarfTypes* dwarf = nullptr);

}  // namespace leakseek::heap
