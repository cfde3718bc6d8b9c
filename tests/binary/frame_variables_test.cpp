// Stack locations of functions' variables: the location expressions Go writes, decoded from
// crafted operation lists, and the typefixture's parked function read from its real DWARF.
#include "binary/frame_variables.h"

#include <dwarf.h>
#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "binary/dwarf_types.h"
#include "binary/frame_variables_reader.h"
#include "support/fixtures.h"

namespace leakseek::binary {
namespace {

Dwarf_Op op(uint8_t atom, uint64_t number = 0) {
  Dwarf_Op o{};
  o.atom = atom;
  o.number = number;
  return o;
}

TEST(StackPieces, WholeVariableAtAFrameOffset) {
  std::vector<Dwarf_Op> fbreg{op(DW_OP_fbreg, static_cast<uint64_t>(-120))};
  auto p = stack_pieces(fbreg);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].cfa_offset, -120);
  EXPECT_EQ(p[0].size, kWholeVariable);

  // What Go writes for unoptimised code: the CFA plus a constant.
  std::vector<Dwarf_Op> cfa{op(DW_OP_call_frame_cfa), op(DW_OP_consts, static_cast<uint64_t>(-40)),
                            op(DW_OP_plus)};
  p = stack_pieces(cfa);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].cfa_offset, -40);
}

TEST(StackPieces, SplitVariableKeepsOnlyItsStackPieces) {
  // A slice: data word on the stack, length in a register, capacity optimised away.
  std::vector<Dwarf_Op> ops{op(DW_OP_fbreg, static_cast<uint64_t>(-112)), op(DW_OP_piece, 8),
                            op(DW_OP_reg0), op(DW_OP_piece, 8), op(DW_OP_piece, 8)};
  auto p = stack_pieces(ops);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].value_offset, 0u);
  EXPECT_EQ(p[0].size, 8u);
  EXPECT_EQ(p[0].cfa_offset, -112);

  std::vector<Dwarf_Op> tail{op(DW_OP_reg3), op(DW_OP_piece, 8), op(DW_OP_call_frame_cfa),
                             op(DW_OP_piece, 8)};
  p = stack_pieces(tail);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].value_offset, 8u);
  EXPECT_EQ(p[0].cfa_offset, 0);
}

TEST(StackPieces, RegistersAndUnknownExpressionsAreNotOnTheStack) {
  EXPECT_TRUE(stack_pieces(std::vector<Dwarf_Op>{op(DW_OP_reg0)}).empty());
  EXPECT_TRUE(
      stack_pieces(std::vector<Dwarf_Op>{op(DW_OP_call_frame_cfa), op(DW_OP_deref)}).empty());
  EXPECT_TRUE(stack_pieces(std::vector<Dwarf_Op>{op(DW_OP_plus)}).empty());
  EXPECT_TRUE(stack_pieces(std::vector<Dwarf_Op>{}).empty());
}

TEST(FrameVariables, LooksUpByPcAndDropsOverlappingFunctions) {
  FunctionVariable v{"x", 7, false, {{0x110, 0x120, {{0, 8, -16}}}, {0x130, 0x140, {{0, 8, -24}}}}};
  FrameVariables fv(
      {{"f", 0x100, 0x200, {v}}, {"overlap", 0x150, 0x250, {v}}, {"g", 0x200, 0x300, {}}});
  EXPECT_EQ(fv.function_count(), 2u);
  ASSERT_NE(fv.function_at(0x1ff), nullptr);
  EXPECT_EQ(fv.function_at(0x1ff)->name, "f");
  EXPECT_EQ(fv.function_at(0x200)->name, "g");
  EXPECT_EQ(fv.function_at(0xff), nullptr);
  EXPECT_EQ(fv.function_at(0x300), nullptr);
  EXPECT_TRUE(fv.at(0x100).empty());
  ASSERT_EQ(fv.at(0x115).size(), 1u);
  EXPECT_EQ((*fv.at(0x115)[0].pieces)[0].cfa_offset, -16);
  EXPECT_TRUE(fv.at(0x125).empty());
  EXPECT_EQ((*fv.at(0x13f)[0].pieces)[0].cfa_offset, -24);
}

class FrameVariablesFixture : public ::testing::TestWithParam<std::string> {};

// main.holdOnStack parks in a channel receive holding `local` (*main.Node) and `held`
// ([]*main.Session). Past its prologue both are in stack slots below the CFA; `held`'s length
// and capacity are not stored anywhere, so only its data word is.
TEST_P(FrameVariablesFixture, ParkedFunctionKeepsItsPointersOnTheStack) {
  auto dwarf = DwarfTypes::load(test::fixture_path(GetParam(), "typefixture"));
  const FrameVariables& table = dwarf.frame_variables();
  const FunctionScope* f = table.find("main.holdOnStack");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(table.function_at(f->entry), f);
  EXPECT_EQ(table.function_at(f->end - 1), f);
  // The function's last instructions are past the receive, with both still on the stack.
  const uint64_t late = f->end - 1;
  std::map<std::string, const std::vector<StackPiece>*> at_end;
  for (const auto& v : table.at(late)) at_end[v.variable->name] = v.pieces;
  ASSERT_TRUE(at_end.count("local"));
  ASSERT_TRUE(at_end.count("held"));
  const auto& local = *at_end["local"];
  ASSERT_EQ(local.size(), 1u);
  EXPECT_EQ(local[0].value_offset, 0u);
  EXPECT_EQ(local[0].size, 8u);
  EXPECT_LT(local[0].cfa_offset, 0);
  const auto& held = *at_end["held"];
  ASSERT_FALSE(held.empty());
  EXPECT_EQ(held[0].value_offset, 0u);
  EXPECT_LT(held[0].cfa_offset, 0);
  EXPECT_NE(held[0].cfa_offset, local[0].cfa_offset);
  for (const auto& v : f->variables) {
    EXPECT_NE(v.type, kNoType) << v.name;
    EXPECT_TRUE(dwarf.type(v.type).has_pointers) << v.name;
  }
  // At the entry the locals do not exist yet and the arguments are still in their registers.
  // Go 1.27's DWARF names some compiler temporaries' slots from the entry on ("~r0.ptr" of an
  // inlined call), which typing reads only where the dump lists a live pointer.
  for (const auto& v : table.at(f->entry)) {
    EXPECT_NE(v.variable->name, "local");
    EXPECT_NE(v.variable->name, "held");
    EXPECT_TRUE(v.variable->parameter || v.variable->name.starts_with("~")) << v.variable->name;
    if (test::go_of(GetParam()) < "go1.27") ADD_FAILURE() << v.variable->name << " at entry";
  }
}

INSTANTIATE_TEST_SUITE_P(Go, FrameVariablesFixture, ::testing::ValuesIn(test::heap_fixture_sets()),
                         test::GoVersionName());

}  // namespace
}  // namespace leakseek::binary
