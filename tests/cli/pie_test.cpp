// Position-independent programs (-buildmode=pie) run wherever the loader put them: the heap
// dump's addresses are the binary's moved by one load bias. With --program the binary is
// matched by its Go data and bss moved together, and every name and type it gives is moved the
// same way. Built and run here, per fixture set (internally and externally linked).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "support/fixture_variants.h"
#include "support/fixtures.h"

namespace leakseek {
namespace {

using nlohmann::json;

class PieProgram : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    prog = test::build_fixture_variant(GetParam(), "heapfixture", "", dir, "pie");
    ASSERT_FALSE(prog.empty()) << "building heapfixture with -buildmode=pie for " << GetParam();
    facts = json::parse(std::ifstream(prog + ".json"));
  }
  test::TempDir tmp{"leakseek-pie"};
  const std::string& dir = tmp.path();
  std::string prog;
  json facts;
};

TEST_P(PieProgram, NamesAndTypesComeFromTheMovedBinary) {
  auto r = test::run_leakseek({"heap", "summary", prog + ".dump", "--program", prog, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
  auto j = json::parse(r.out);
  EXPECT_GE(j["typed_bytes_ratio"].get<double>(), 0.95);
  bool cache = false;
  for (const auto& s : j["suspects"]) cache |= s["root"]["label"] == "main.cache";
  EXPECT_TRUE(cache) << j["suspects"];
  r = test::run_leakseek({"heap", "why", prog + ".dump",
                          facts["list"]["nodes"][1].get<std::string>(), "--program", prog});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("from bss main.list (2 steps)"), std::string::npos) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("main\\.Node \\(32 B\\)"))) << r.out;
  // A stack variable's name comes from the moved DWARF pcs.
  r = test::run_leakseek({"heap", "summary", prog + ".dump", "--program", prog});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("main.cache retains"), std::string::npos) << r.out;
}

// Another program's position-independent binary is still refused.
TEST_P(PieProgram, AnotherProgramIsRefused) {
  std::string other = test::build_fixture_variant(GetParam(), "typefixture", "", dir, "pie");
  ASSERT_FALSE(other.empty());
  auto r = test::run_leakseek({"heap", "summary", prog + ".dump", "--program", other});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("not the program that wrote"), std::string::npos) << r.err;
}

INSTANTIATE_TEST_SUITE_P(Go, PieProgram, ::testing::ValuesIn(test::heap_fixture_sets()),
                         test::GoVersionName());

}  // namespace
}  // namespace leakseek
