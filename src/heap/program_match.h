#pragma once
// Whether a program binary is the one that wrote a heap dump. A binary of another build names
// the wrong globals and types objects at random, so the mismatch must be said, not guessed at.
#include <string>
#include <vector>

#include "binary/program_symbols.h"
#include "heap/heap_model.h"

namespace leakseek::heap {

// What contradicts the binary having written the dump, one sentence each; empty when nothing
// does. `program_go_version` is what the binary says built it ("go1.23.5"; empty if unknown).
std::vector<std::string> program_mismatches(const HeapModel& model,
                                            const binary::ProgramSymbols& symbols,
                                            const std::string& program_go_version);

}  // namespace leakseek::heap
