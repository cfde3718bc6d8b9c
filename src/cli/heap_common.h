#pragma once
// What every `leakseek heap` subcommand shares: its common flags, loading the dump (with progress
// on a terminal) and the program's symbols, and parsing addresses.
#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>

#include "binary/dwarf_types.h"
#include "binary/program_symbols.h"
#include "binary/runtime_types.h"
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

struct LoadedHeap {
  heap::HeapModel model;
  std::optional<binary::ProgramSymbols> symbols;
  std::optional<binary::DwarfTypes> dwarf;
  std::optional<binary::RuntimeTypes> runtime;
  std::optional<heap::ObjectTypes> types;
  report::HeapContext context() const {
    return {model, symbols ? &*symbols : nullptr, dwarf ? &*dwarf : nullptr,
            types ? &*types : nullptr};
  }
};

LoadedHeap load_heap(const HeapArgs& args);

// "0xc000010000" or decimal. Throws UsageError.
uint64_t parse_address(const std::string& text);

// The object containing `addr`; throws InputError naming the dump when there is none.
heap::ObjectId object_at(const heap::HeapModel& model, uint64_t addr);

// Writes to stdout, or to `path` when it is not empty or "-".
void write_output(const std::string& path, const std::string& text);

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace leakseek::cli
