// A binary is checked against the dump it is meant to explain: every fixture program matches
// its own dump and no other program's.
#include "heap/program_match.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "binary/dwarf_types.h"
#include "binary/runtime_types.h"
#include "heap/heap_loader.h"
#include "support/fixture_variants.h"
#include "support/fixtures.h"

namespace leakseek::heap {
namespace {

class ProgramMatchTest : public ::testing::TestWithParam<std::string> {};

std::string built_with(const std::string& prog) {
  auto dwarf = binary::DwarfTypes::load(prog);
  return binary::RuntimeTypes::load(prog, dwarf).go_version();
}

TEST_P(ProgramMatchTest, EachProgramMatchesItsOwnDumpOnly) {
  const std::string go = GetParam();
  std::vector<std::string> names = {"heapfixture", "typefixture", "retentionfixture"};
  if (test::is_extlink(GetParam())) names.push_back("cgostall");
  for (const auto& dump_name : names) {
    auto model = load_heap_dump(test::fixture_path(go, dump_name, "dump"));
    for (const auto& prog_name : names) {
      std::string prog = test::fixture_path(go, prog_name);
      auto symbols = binary::ProgramSymbols::load(prog);
      ASSERT_TRUE(symbols.go_data() && symbols.go_bss()) << prog;
      auto match = match_program(model, symbols, built_with(prog));
      EXPECT_TRUE(match.unchecked.empty()) << prog;
      if (dump_name == prog_name) {
        EXPECT_TRUE(match.mismatches.empty()) << prog << ": " << match.mismatches.front();
      } else {
        ASSERT_FALSE(match.mismatches.empty()) << prog << " on " << dump_name;
        EXPECT_TRUE(match.mismatches.front().starts_with("its Go data is 0x") ||
                    match.mismatches.front().starts_with("its Go bss is 0x"))
            << match.mismatches.front();
      }
    }
  }
}

TEST(ProgramMatch, AnotherGoVersionIsNamed) {
  const auto& versions = test::go_versions();
  ASSERT_GE(versions.size(), 2u);
  auto model = load_heap_dump(test::fixture_path(versions[0], "typefixture", "dump"));
  std::string prog = test::fixture_path(versions[1], "typefixture");
  auto match = match_program(model, binary::ProgramSymbols::load(prog), built_with(prog));
  ASSERT_FALSE(match.mismatches.empty());
  EXPECT_NE(match.mismatches.front().find("built with " + versions[1]), std::string::npos)
      << match.mismatches.front();
}

// A binary that says nothing of where Go's data is (stripped, moduledata unreadable) cannot be
// checked: it is accepted, and what was not checked is said.
TEST_P(ProgramMatchTest, UnknownBoundsAreAcceptedWithAWarning) {
  test::TempDir tmp("leakseek-match");
  std::string prog = tmp.path() + "/heapfixture";
  ASSERT_TRUE(test::strip_program(test::fixture_path(GetParam(), "heapfixture"), prog, true));
  auto model = load_heap_dump(test::fixture_path(GetParam(), "heapfixture", "dump"));
  auto symbols = binary::ProgramSymbols::load(prog);
  EXPECT_FALSE(symbols.go_data());
  auto match = match_program(model, symbols, built_with(prog));
  EXPECT_TRUE(match.mismatches.empty()) << match.mismatches.front();
  ASSERT_EQ(match.unchecked.size(), 2u);
  EXPECT_NE(match.unchecked[0].find("cannot check"), std::string::npos) << match.unchecked[0];
  // The command runs and warns on one line per segment.
  auto r =
      test::run_leakseek({"heap", "summary", test::fixture_path(GetParam(), "heapfixture", "dump"),
                          "--program", prog});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find(prog + ": warning: Go's data bounds not found"), std::string::npos) << r.err;
}

INSTANTIATE_TEST_SUITE_P(Go, ProgramMatchTest, ::testing::ValuesIn(test::heap_fixture_sets()),
                         test::GoVersionName());

}  // namespace
}  // namespace leakseek::heap
