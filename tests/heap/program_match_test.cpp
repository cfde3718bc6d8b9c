// A binary is checked against the dump it is meant to explain: every fixture program matches
// its own dump and no other program's.
#include "heap/program_match.h"

#include <gtest/gtest.h>

#include "binary/dwarf_types.h"
#include "binary/runtime_types.h"
#include "heap/heap_loader.h"
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
  const std::vector<std::string> names = {"heapfixture", "typefixture", "retentionfixture"};
  for (const auto& dump_name : names) {
    auto model = load_heap_dump(test::fixture_path(go, dump_name, "dump"));
    for (const auto& prog_name : names) {
      std::string prog = test::fixture_path(go, prog_name);
      auto symbols = binary::ProgramSymbols::load(prog);
      ASSERT_TRUE(symbols.data_section() && symbols.bss_section()) << prog;
      auto mismatches = program_mismatches(model, symbols, built_with(prog));
      if (dump_name == prog_name) {
        EXPECT_TRUE(mismatches.empty()) << prog << ": " << mismatches.front();
      } else {
        ASSERT_FALSE(mismatches.empty()) << prog << " on " << dump_name;
        EXPECT_NE(mismatches.front().find("section is 0x"), std::string::npos)
            << mismatches.front();
      }
    }
  }
}

TEST(ProgramMatch, AnotherGoVersionIsNamed) {
  const auto& versions = test::go_versions();
  ASSERT_GE(versions.size(), 2u);
  auto model = load_heap_dump(test::fixture_path(versions[0], "typefixture", "dump"));
  std::string prog = test::fixture_path(versions[1], "typefixture");
  auto mismatches = program_mismatches(model, binary::ProgramSymbols::load(prog), built_with(prog));
  ASSERT_FALSE(mismatches.empty());
  EXPECT_NE(mismatches.front().find("built with " + versions[1]), std::string::npos)
      << mismatches.front();
}

INSTANTIATE_TEST_SUITE_P(Go, ProgramMatchTest, ::testing::ValuesIn(test::go_versions()),
                         test::GoVersionName());

}  // namespace
}  // namespace leakseek::heap
