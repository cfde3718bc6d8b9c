// Go 1.27's goroutine leak profile (testdata/go/goroutineleak), in its three forms: the
// goroutines the GC proved can never wake are read as leaked, and the ones parked on a channel
// main can still reach are not.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>

#include <nlohmann/json.hpp>

#include "format/goroutine_dump_reader.h"
#include "goroutines/goroutine_groups.h"
#include "support/fixtures.h"

namespace leakseek {
namespace {

using nlohmann::json;

class GoroutineLeakProfile : public ::testing::TestWithParam<test::LeakProfileForm> {
 protected:
  json facts() const { return test::fixture_facts(GetParam().go, "goroutineleak"); }
  std::string file() const { return facts()["files"][GetParam().form].get<std::string>(); }
};

TEST_P(GoroutineLeakProfile, OnlyTheProvenLeakedAreLeaked) {
  auto f = facts();
  auto dump =
      format::read_goroutine_dump_file(test::fixture_dir() + "/" + GetParam().go + "/" + file());
  // debug=0 and 1 list the leaked goroutines only; debug=2 lists all and marks the leaked.
  EXPECT_EQ(dump.leak_profile, GetParam().form != "debug2");
  auto g = goroutines::group_goroutines(dump);
  EXPECT_EQ(g.leaked, f["leaked"].get<uint64_t>());
  bool sender = false;
  for (const auto& group : g.groups) {
    if (group.program_function == f["leaked_function"].get<std::string>()) {
      sender = true;
      EXPECT_EQ(group.leaked, f["leaked"].get<uint64_t>());
    } else {
      EXPECT_EQ(group.leaked, 0u) << group.program_function;
    }
    if (group.program_function == f["parked_function"].get<std::string>()) {
      EXPECT_EQ(GetParam().form, "debug2");
      EXPECT_EQ(group.count, f["parked"].get<uint64_t>());
    }
  }
  EXPECT_TRUE(sender);
  if (GetParam().form == "debug2") {
    for (const auto& gr : dump.goroutines)
      if (gr.leaked) {
        EXPECT_EQ(gr.state, "chan send");  // " (leaked)" is not part of the state
      }
  }
}

TEST_P(GoroutineLeakProfile, TheCommandSaysSo) {
  auto f = facts();
  auto r = test::run_leakseek(
      {"goroutines", test::fixture_dir() + "/" + GetParam().go + "/" + file(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = json::parse(r.out);
  EXPECT_EQ(j["proven_leaked"], f["leaked"]);
  EXPECT_EQ(j["leak_profile"], GetParam().form != "debug2");
  r = test::run_leakseek({"goroutines", test::fixture_dir() + "/" + GetParam().go + "/" + file()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Proven leaked (" + std::to_string(f["leaked"].get<int>()) +
                       " goroutines the GC found nothing can ever wake):\n  1. " +
                       std::to_string(f["leaked"].get<int>()) + " goroutines in " +
                       f["leaked_function"].get<std::string>()),
            std::string::npos)
      << r.out;
}

// A heap dump after the leak profile has marked goroutines leaked kills the process (the
// README says so; this fails when a Go release stops doing it). leakseek reads what was written
// as a dump cut short.
TEST(GoroutineLeakThenHeapDump, CrashesTheProcessAndLeavesATruncatedDump) {
  for (const auto& go : test::go_versions()) {
    if (go < "go1.27") continue;
    test::TempDir tmp("leakseek-leakdump");
    const std::string& dir = tmp.path();
    std::string cmd = "cd '" + dir + "' && GOROUTINELEAK_PROFILE_FIRST=1 '" +
                      test::fixture_path(go, "goroutineleak") + "' '" + dir + "/g.dump' '" + dir +
                      "/g.json' 2>'" + dir + "/stderr' >/dev/null";
    EXPECT_NE(std::system(cmd.c_str()), 0) << go << ": the program survived";
    std::ifstream err(dir + "/stderr");
    std::string text((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("dumpgs in STW - bad status"), std::string::npos) << text.substr(0, 500);
    auto r = test::run_leakseek({"heap", "summary", dir + "/g.dump"});
    EXPECT_EQ(r.exit_code, 2) << r.out;
    // Cut wherever the crash stopped the writer: one line naming the offset, either way.
    EXPECT_TRUE(std::regex_search(
        r.err, std::regex("g\\.dump: offset [0-9]+: .*(truncated|past end of file)")))
        << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

INSTANTIATE_TEST_SUITE_P(Go, GoroutineLeakProfile, ::testing::ValuesIn(test::leak_profile_forms()),
                         test::LeakProfileFormName());

}  // namespace
}  // namespace leakseek
