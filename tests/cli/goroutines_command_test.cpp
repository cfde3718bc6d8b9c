// `leakseek goroutines` end to end on the Go-built fixtures: JSON fields, text order, --all,
// --group-by, diffs, --fail-on exit codes and bad input.
#include <gtest/gtest.h>

#include "support/fixtures.h"

namespace leakseek {
namespace {

using nlohmann::json;
using test::run_leakseek;

std::string fixture_file(const std::string& go, const std::string& key) {
  auto facts = test::fixture_facts(go, "goroutinefixture");
  return test::fixture_dir() + "/" + go + "/" + facts["files"][key].get<std::string>();
}

class GoroutinesCommand : public testing::TestWithParam<std::string> {};

TEST_P(GoroutinesCommand, JsonHasGroupsSuspectsAndTheFinalizer) {
  auto facts = test::fixture_facts(GetParam(), "goroutinefixture");
  auto r = run_leakseek({"goroutines", fixture_file(GetParam(), "debug2"), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = json::parse(r.out);
  EXPECT_EQ(j["form"], "debug=2");
  EXPECT_EQ(j["group_by"], "stack");
  EXPECT_GE(j["total"].get<uint64_t>(), facts["leaked_total"].get<uint64_t>() + 2);
  ASSERT_TRUE(j["finalizer"].is_object());
  EXPECT_EQ(j["finalizer"]["goid"], facts["finalizer"]["goid"]);
  EXPECT_EQ(j["finalizer"]["function"], facts["finalizer"]["function"]);
  EXPECT_EQ(j["finalizer"]["state"], "chan receive");
  EXPECT_EQ(j["finalizer"]["blocked"], true);
  ASSERT_EQ(j["suspects"].size(), facts["groups"].size());
  EXPECT_EQ(j["suspects"][0]["top_function"], "main.leakRecv");
  EXPECT_EQ(j["suspects"][0]["count"], 7);
  EXPECT_EQ(j["suspects"][0]["blocked_on"], "channel receive");
  EXPECT_EQ(j["suspects"].back()["function"], "main.leakMutex");  // under sync.(*Mutex).Lock
  // Go 1.24 moved the mutex into internal/sync.
  EXPECT_EQ(j["suspects"].back()["top_function"], GetParam() >= "go1.24"
                                                      ? "internal/sync.runtime_SemacquireMutex"
                                                      : "sync.runtime_SemacquireMutex");
  bool found = false;
  for (const auto& g : j["groups"]) {
    EXPECT_EQ(g["runtime_owned"], false);
    if (g["top_function"] != "main.leakSend") continue;
    found = true;
    EXPECT_EQ(g["count"], 4);
    EXPECT_EQ(g["state"], "chan send");
    EXPECT_EQ(g["created_by"]["function"], "main.startLeaks");
    EXPECT_EQ(g["max_wait_minutes"], 0);
    EXPECT_EQ(g["stack"][0]["function"], "main.leakSend");
    EXPECT_EQ(g["stack"][0]["line"], 86);
  }
  EXPECT_TRUE(found);
}

TEST_P(GoroutinesCommand, TextPutsTheFinalizerStallFirst) {
  auto r = run_leakseek({"goroutines", fixture_file(GetParam(), "panic")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("FINALIZER STALL: the finalizer goroutine ", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("is blocked in main.blockFinalizer [chan receive]"), std::string::npos);
  EXPECT_NE(r.out.find("Leak suspects"), std::string::npos);
  EXPECT_NE(r.out.find("1. 7 goroutines in main.leakRecv [chan receive]"), std::string::npos)
      << r.out;
}

TEST_P(GoroutinesCommand, AllShowsRuntimeOwnedGoroutines) {
  auto file = fixture_file(GetParam(), "sigquit");
  auto hidden = json::parse(run_leakseek({"goroutines", file, "--json"}).out);
  auto all = json::parse(run_leakseek({"goroutines", file, "--json", "--all"}).out);
  EXPECT_GT(hidden["hidden_runtime_owned"].get<int>(), 0);
  EXPECT_EQ(all["hidden_runtime_owned"], 0);
  int owned = 0;
  for (const auto& g : all["groups"])
    owned += g["runtime_owned"].get<bool>() ? g["count"].get<int>() : 0;
  EXPECT_EQ(owned, hidden["hidden_runtime_owned"].get<int>());
}

TEST_P(GoroutinesCommand, GroupByCreatorAndTop) {
  auto file = fixture_file(GetParam(), "debug2");
  auto j = json::parse(run_leakseek({"goroutines", file, "--json", "--group-by", "creator"}).out);
  EXPECT_EQ(j["group_by"], "creator");
  auto facts = test::fixture_facts(GetParam(), "goroutinefixture");
  EXPECT_EQ(j["groups"][0]["count"], facts["leaked_total"]);  // all made by main.startLeaks
  EXPECT_EQ(j["suspects"].size(), facts["groups"].size());    // still by whole stacks
  auto t = json::parse(run_leakseek({"goroutines", file, "--json", "--group-by", "top"}).out);
  EXPECT_EQ(t["groups"][0]["top_function"], "main.leakRecv");
}

TEST_P(GoroutinesCommand, FailOnExitsOneAfterPrinting) {
  auto file = fixture_file(GetParam(), "debug1");
  auto r = run_leakseek({"goroutines", file, "--fail-on", "finalizer-stall"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("FINALIZER STALL"), std::string::npos);
  EXPECT_EQ(r.err,
            "leakseek: --fail-on finalizer-stall: the finalizer goroutine is blocked in "
            "main.blockFinalizer\n");
  r = run_leakseek({"goroutines", file, "--fail-on", "leak"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--fail-on leak: 5 leak suspect group(s), largest 7 x main.leakRecv"),
            std::string::npos)
      << r.err;
  r = run_leakseek({"goroutines", file, "--fail-on", "leak", "--min-count", "8"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_P(GoroutinesCommand, DiffAgainstABaseline) {
  auto d2 = fixture_file(GetParam(), "debug2");
  auto r = run_leakseek({"goroutines", d2, "--base", d2, "--json", "--fail-on", "leak"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = json::parse(r.out);
  EXPECT_TRUE(j["changes"].empty());
  EXPECT_EQ(j["total"], j["base_total"]);
  // A baseline with none of the leaks: every leaked stack is new.
  auto base =
      test::write_temp("goroutine 1 [running]:\nmain.main()\n\t/src/main.go:3 +0x1\n", ".txt");
  r = run_leakseek({"goroutines", d2, "--base", base, "--json", "--fail-on", "leak"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  j = json::parse(r.out);
  EXPECT_EQ(j["changes"][0]["top_function"], "main.leakRecv");
  EXPECT_EQ(j["changes"][0]["new"], true);
  EXPECT_EQ(j["changes"][0]["delta"], 7);
  auto text = run_leakseek({"goroutines", d2, "--base", base});
  EXPECT_NE(text.out.find("NEW +7 main.leakRecv [chan receive]"), std::string::npos) << text.out;
}

INSTANTIATE_TEST_SUITE_P(Go, GoroutinesCommand, testing::ValuesIn(test::go_versions()),
                         [](const auto& info) {
                           std::string s = info.param;
                           s.erase(s.find('.'), 1);
                           return s;
                         });

TEST(GoroutinesCommandErrors, BadInputAndUsageExitTwo) {
  auto bad = test::write_temp("goroutine 1 [running]:\nmain.main()\nmain.x()\n", ".txt");
  auto r = run_leakseek({"goroutines", bad});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "leakseek: " + bad +
                       ": offset 35: expected \"\\tfile:line\" after the function line\n");
  r = run_leakseek({"goroutines", "/nonexistent/dump.txt"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err.rfind("leakseek: /nonexistent/dump.txt", 0), 0u) << r.err;
  auto ok =
      test::write_temp("goroutine 1 [running]:\nmain.main()\n\t/src/main.go:3 +0x1\n", ".txt");
  r = run_leakseek({"goroutines", ok, "--group-by", "color"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "leakseek: --group-by must be stack, top or creator, not \"color\"\n");
  r = run_leakseek({"goroutines", ok, "--fail-on", "everything"});
  EXPECT_EQ(r.exit_code, 2);
  r = run_leakseek({"goroutines", ok});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.rfind("debug=2 goroutine dump: 1 goroutine, 1 shown in 1 group", 0), 0u) << r.out;
}

}  // namespace
}  // namespace leakseek
