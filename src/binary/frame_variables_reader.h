#pragma once
// Reads a DW_TAG_subprogram's variables and their stack locations (part of loading DwarfTypes;
// types stay DIE offsets until the type table exists).
#include <elfutils/libdw.h>

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "binary/frame_variables.h"

namespace leakseek::binary {

// A piece of this size stands for the whole variable: its type's size is not known yet.
inline constexpr uint64_t kWholeVariable = UINT64_MAX;

struct RawFunctionVariable {
  std::string name;
  Dwarf_Off type = 0;
  bool parameter = false;
  std::vector<VariableLocation> locations;
};

struct RawFunction {
  std::string name;
  uint64_t entry = 0;
  uint64_t end = 0;
  std::vector<RawFunctionVariable> variables;
};

// Variables (also those of lexical blocks and inlined calls) with at least one stack location.
std::optional<RawFunction> read_function(Dwarf_Die* subprogram);

// The stack pieces of one location expression: Go writes DW_OP_fbreg N (its frame base is
// DW_OP_call_frame_cfa) or DW_OP_call_frame_cfa [DW_OP_consts N DW_OP_plus], each followed by
// DW_OP_piece when the variable is split. Registers and anything else are skipped.
std::vector<StackPiece> stack_pieces(std::span<const Dwarf_Op> ops);

}  // namespace leakseek::binary
