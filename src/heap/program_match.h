#pragma once
// Whether a program binary is the one that wrote a heap dump. A binary of another build names
// the wrong globals and types objects at random, so the mismatch must be said, not guessed at.
#include <string>
#include <vector>

#include "binary/program_symbols.h"
#include "heap/heap_model.h"

namespace leakseek::heap {

struct ProgramMatch {
  // What contradicts the binary having written the dump, one sentence each.
  std::vector<std::string> mismatches;
  // What could not be checked, one sentence each: the binary is accepted, with a warning.
  std::vector<std::string> unchecked;
  // A position-independent program ran this far from where it was linked: every address the
  // binary gives must move by it (data and bss moved together, by whole pages).
  uint64_t load_bias = 0;
};

// Checks the Go version and that Go's data and bss in the binary are where the dump's data and
// bss segments are, or, for a position-independent binary, the same sizes moved by one load
// bias. `program_go_version` is what the binary says built it ("go1.23.5"; empty if
// unknown).
ProgramMatch match_program(const HeapModel& model, const binary::ProgramSymbols& symbols,
                           const std::string& program_go_version);

}  // namespace leakseek::heap
