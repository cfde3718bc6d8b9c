#pragma once
// What every `leakseek heap` subcommand shares: its common flags, loading the dump (with progress
// on a terminal) and the program's symbols, and parsing addresses.
#include <CLI/CLI.hpp>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "binary/dwarf_types.h"
#include "binary/program_symbols.h"
#include "binary/runtime_types.h"
#include "cli/usage_error.h"
#include "heap/heap_model.h"
#include "heap/object_types.h"
#include "report/heap_context.h"

namespace leakseek::cli {

struct HeapArgs {
  std::string dump;
  std::string program;
  bool json = false;
};

// Adds DUMP, --program and --json to a heap subcommand.
void add_heap_args(CLI::App& cmd, HeapArgs& args);

// The dump and, with --program, the binary. Typing every object from the binary runs on a thread
// of its own while the command analyses the graph (the two share nothing but read-only input);
// types() waits for it. Neither copied nor moved: the typing thread holds references into it.
class LoadedHeap {
 public:
  explicit LoadedHeap(const HeapArgs& args);
  LoadedHeap(const LoadedHeap&) = delete;
  LoadedHeap& operator=(const LoadedHeap&) = delete;

  heap::HeapModel model;
  std::optional<binary::ProgramSymbols> symbols;
  std::optional<binary::DwarfTypes> dwarf;
  std::optional<binary::RuntimeTypes> runtime;
  // What the program's debug info lacks; without DWARF, what typing from descriptors lacks.
  std::vector<std::string> dwarf_limitations;

  // nullptr without --program.
  const heap::ObjectTypes* types() const { return typing_.valid() ? &typing_.get() : nullptr; }
  report::HeapContext context() const {
    return {model, symbols ? &*symbols : nullptr, dwarf ? &*dwarf : nullptr, types(),
            runtime ? &*runtime : nullptr};
  }

 private:
  std::shared_future<heap::ObjectTypes> typing_;  // last: joined before the rest is destroyed
};

// Guaranteed copy elision: `auto h = load_heap(args);` builds it in place.
inline LoadedHeap load_heap(const HeapArgs& args) {
  return LoadedHeap(args);
}

// "0xc000010000" or decimal. Throws UsageError.
uint64_t parse_address(const std::string& text);

// The object containing `addr`; throws InputError naming the dump when there is none.
heap::ObjectId object_at(const heap::HeapModel& model, uint64_t addr);

// Writes to stdout, or to `path` when it is not empty or "-".
void write_output(const std::string& path, const std::string& text);

}  // namespace leakseek::cli
