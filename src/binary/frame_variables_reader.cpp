#include "binary/frame_variables_reader.h"

#include <dwarf.h>

#include <algorithm>

namespace leakseek::binary {

namespace {

// Real functions nest blocks and inlined calls a few levels deep and have at most a few
// thousand variables and location ranges; more is corrupt DWARF.
constexpr int kMaxNesting = 64;
constexpr size_t kMaxVariables = 1 << 16;
constexpr size_t kMaxLocations = 1 << 16;

// Go writes the location of an unoptimised variable as DW_FORM_block1, which libdw only
// accepts as DW_FORM_exprloc in a version 4 unit: decode the few operations Go uses by hand.
std::vector<Dwarf_Op> decode_block(const Dwarf_Block& block) {
  std::vector<Dwarf_Op> ops;
  const uint8_t* p = block.data;
  const uint8_t* end = block.data + block.length;
  auto uleb = [&](bool is_signed) -> std::optional<uint64_t> {
    uint64_t v = 0;
    unsigned shift = 0;
    while (p < end && shift < 64) {
      uint8_t b = *p++;
      v |= uint64_t{b & 0x7fu} << shift;
      shift += 7;
      if (!(b & 0x80)) {
        if (is_signed && shift < 64 && (b & 0x40)) v |= ~uint64_t{0} << shift;
        return v;
      }
    }
    return std::nullopt;
  };
  while (p < end) {
    Dwarf_Op op{};
    op.atom = *p++;
    switch (op.atom) {
      case DW_OP_fbreg:
      case DW_OP_consts: {
        auto v = uleb(true);
        if (!v) return {};
        op.number = *v;
        break;
      }
      case DW_OP_piece:
      case DW_OP_constu:
      case DW_OP_plus_uconst:
      case DW_OP_regx: {
        auto v = uleb(false);
        if (!v) return {};
        op.number = *v;
        break;
      }
      case DW_OP_call_frame_cfa:
      case DW_OP_plus:
        break;
      default:
        if (op.atom >= DW_OP_reg0 && op.atom <= DW_OP_reg31) break;
        return {};  // an operation Go does not write for stack variables: give up on it
    }
    ops.push_back(op);
  }
  return ops;
}

std::vector<VariableLocation> read_locations(Dwarf_Die* die) {
  std::vector<VariableLocation> out;
  Dwarf_Attribute attr;
  if (!dwarf_attr(die, DW_AT_location, &attr)) return out;
  Dwarf_Addr base = 0, start = 0, end = 0;
  Dwarf_Op* expr = nullptr;
  size_t len = 0;
  ptrdiff_t off = 0;
  while (out.size() < kMaxLocations &&
         (off = dwarf_getlocations(&attr, off, &base, &start, &end, &expr, &len)) > 0) {
    auto pieces = stack_pieces({expr, len});
    if (!pieces.empty() && start < end) out.push_back({start, end, std::move(pieces)});
  }
  if (off < 0 && out.empty()) {
    Dwarf_Block block;
    if (dwarf_formblock(&attr, &block) == 0) {
      auto ops = decode_block(block);
      auto pieces = stack_pieces(ops);
      if (!pieces.empty()) out.push_back({0, UINT64_MAX, std::move(pieces)});
    }
  }
  std::sort(out.begin(), out.end(),
            [](const VariableLocation& a, const VariableLocation& b) { return a.lo < b.lo; });
  // Overlapping ranges would make "the location at pc" ambiguous: keep the first.
  std::vector<VariableLocation> kept;
  for (auto& l : out)
    if (kept.empty() || l.lo >= kept.back().hi) kept.push_back(std::move(l));
  return kept;
}

void read_scope(Dwarf_Die* scope, RawFunction& f, int depth) {
  Dwarf_Die child;
  if (depth > kMaxNesting || dwarf_child(scope, &child) != 0) return;
  do {
    int tag = dwarf_tag(&child);
    if (tag == DW_TAG_variable || tag == DW_TAG_formal_parameter) {
      if (f.variables.size() >= kMaxVariables) return;
      auto locations = read_locations(&child);
      if (locations.empty()) continue;
      // Inlined copies name their variable and its type through DW_AT_abstract_origin.
      Dwarf_Attribute attr;
      Dwarf_Die type;
      if (!dwarf_attr_integrate(&child, DW_AT_type, &attr) || !dwarf_formref_die(&attr, &type))
        continue;
      const char* name = dwarf_diename(&child);
      f.variables.push_back({name ? name : "", dwarf_dieoffset(&type),
                             tag == DW_TAG_formal_parameter, std::move(locations)});
    } else if (tag == DW_TAG_lexical_block || tag == DW_TAG_inlined_subroutine) {
      read_scope(&child, f, depth + 1);
    }
  } while (dwarf_siblingof(&child, &child) == 0);
}

}  // namespace

std::vector<StackPiece> stack_pieces(std::span<const Dwarf_Op> ops) {
  std::vector<StackPiece> out;
  enum class At { kNothing, kStack, kElsewhere } at = At::kNothing;
  int64_t cfa_offset = 0;
  uint64_t value_offset = 0;
  std::optional<int64_t> constant;
  bool pieces = false;
  for (const Dwarf_Op& op : ops) {
    switch (op.atom) {
      case DW_OP_call_frame_cfa:
        at = At::kStack;
        cfa_offset = 0;
        break;
      case DW_OP_fbreg:
        at = At::kStack;
        cfa_offset = static_cast<int64_t>(op.number);
        break;
      case DW_OP_consts:
      case DW_OP_constu:
        constant = static_cast<int64_t>(op.number);
        break;
      case DW_OP_plus:
        if (!constant) return {};
        cfa_offset += *constant;
        constant.reset();
        break;
      case DW_OP_plus_uconst:
        cfa_offset += static_cast<int64_t>(op.number);
        break;
      case DW_OP_piece:
        pieces = true;
        if (at == At::kStack && op.number > 0) out.push_back({value_offset, op.number, cfa_offset});
        value_offset += op.number;
        at = At::kNothing;
        break;
      default:
        at = At::kElsewhere;  // a register, a constant value, or an expression we do not follow
        break;
    }
  }
  if (!pieces && at == At::kStack) out.push_back({0, kWholeVariable, cfa_offset});
  return out;
}

std::optional<RawFunction> read_function(Dwarf_Die* subprogram) {
  Dwarf_Addr lo = 0, hi = 0;
  if (dwarf_lowpc(subprogram, &lo) != 0 || dwarf_highpc(subprogram, &hi) != 0 || hi <= lo)
    return std::nullopt;
  RawFunction f;
  const char* name = dwarf_diename(subprogram);
  f.name = name ? name : "";
  f.entry = lo;
  f.end = hi;
  read_scope(subprogram, f, 0);
  return f;
}

}  // namespace leakseek::binary
