#pragma once
// Where a function's local variables and parameters live on its stack frame, by pc, as the
// program's DWARF says. Go's optimised code moves variables between registers and stack slots
// as it runs; at a call every live value is on the stack (Go keeps nothing in callee-saved
// registers), which is exactly where a heap dump catches a parked goroutine's frames.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace leakseek::binary {

using TypeId = uint32_t;

// Bytes [value_offset, value_offset + size) of a variable, stored at CFA + cfa_offset. The CFA
// (canonical frame address) is the caller's stack pointer before the call: the top of the
// callee's frame, so locals are below it (negative offsets) and spilled arguments above.
struct StackPiece {
  uint64_t value_offset = 0;
  uint64_t size = 0;
  int64_t cfa_offset = 0;
};

// The pcs [lo, hi) over which the pieces hold. Pieces in registers or optimised away are left
// out, so a slice whose length lives in a register still has its data word here.
struct VariableLocation {
  uint64_t lo = 0;
  uint64_t hi = 0;
  std::vector<StackPiece> pieces;
};

struct FunctionVariable {
  std::string name;
  TypeId type = UINT32_MAX;
  bool parameter = false;
  std::vector<VariableLocation> locations;  // ascending, not overlapping
};

struct FunctionScope {
  std::string name;
  uint64_t entry = 0;  // DW_AT_low_pc: what a heap dump's frame records call entry
  uint64_t end = 0;
  std::vector<FunctionVariable> variables;  // only those with pointers and a stack location
};

// One variable as it is at one pc.
struct FrameVariable {
  const FunctionVariable* variable = nullptr;
  const std::vector<StackPiece>* pieces = nullptr;
};

class FrameVariables {
 public:
  // Sorts by entry; functions overlapping an earlier one are dropped (hostile DWARF).
  explicit FrameVariables(std::vector<FunctionScope> functions = {});

  // The variables of the function whose code contains `pc` that are on the stack at `pc`.
  std::vector<FrameVariable> at(uint64_t pc) const;
  const FunctionScope* function_at(uint64_t pc) const;
  const FunctionScope* find(std::string_view name) const;  // a linear scan
  size_t function_count() const { return functions_.size(); }
  // Moves every pc by `bias`: a position-independent program runs where it was loaded.
  void relocate(uint64_t bias);

 private:
  std::vector<FunctionScope> functions_;
};

}  // namespace leakseek::binary
