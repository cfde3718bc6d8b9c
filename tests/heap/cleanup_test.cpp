// Go 1.24+: a stalled cleanup (runtime.AddCleanup) and weak pointers, from the real program
// testdata/go/cleanupstall. A stuck cleanup is found like a stuck finalizer; weak pointers keep
// nothing alive.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "heap/heap_loader.h"
#include "heap/retention.h"
#include "support/fixtures.h"

namespace leakseek {
namespace {

using nlohmann::json;

std::vector<std::string> sets_with_cleanups() {
  std::vector<std::string> out;
  for (const auto& s : test::heap_fixture_sets())
    if (test::go_of(s) >= "go1.24") out.push_back(s);
  return out;
}

class CleanupStall : public ::testing::TestWithParam<std::string> {
 protected:
  std::string dump() const { return test::fixture_path(GetParam(), "cleanupstall", "dump"); }
  std::string program() const { return test::fixture_path(GetParam(), "cleanupstall"); }
  json facts() const { return test::fixture_facts(GetParam(), "cleanupstall"); }
};

TEST_P(CleanupStall, TheStuckCleanupGoroutineIsFound) {
  auto f = facts();
  auto model = heap::load_heap_dump(dump());
  auto cleanups = heap::find_cleanup_goroutines(model);
  ASSERT_FALSE(cleanups.empty());
  size_t blocked = 0;
  for (const auto& c : cleanups) {
    if (!c.blocked) continue;
    blocked++;
    EXPECT_EQ(c.function, f["blocked_function"].get<std::string>());
    EXPECT_EQ(c.wait_reason, "chan receive");
  }
  EXPECT_EQ(blocked, 1u);
  // The finalizer goroutine is not the one stuck.
  auto fin = heap::find_finalizer_goroutine(model);
  ASSERT_TRUE(fin.has_value());
  EXPECT_FALSE(fin->blocked);
  // From Go 1.25 the queue behind it is not in the dump, and the summary says so.
  EXPECT_EQ(heap::dump_has_cleanup_queue(model), test::go_of(GetParam()) < "go1.25");
}

TEST_P(CleanupStall, SummarySaysSoInTextAndJson) {
  auto f = facts();
  auto r = test::run_leakseek({"heap", "summary", dump(), "--program", program(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = json::parse(r.out);
  ASSERT_EQ(j["cleanup_goroutines"].size(), 1u) << j["cleanup_goroutines"];
  EXPECT_EQ(j["cleanup_goroutines"][0]["function"], f["blocked_function"]);
  EXPECT_TRUE(j["cleanup_goroutines"][0]["blocked"].get<bool>());
  EXPECT_EQ(j["cleanup_queue_in_dump"], test::go_of(GetParam()) < "go1.25");
  EXPECT_TRUE(j["finalizer_goroutine"].is_null());
  r = test::run_leakseek({"heap", "summary", dump(), "--program", program()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.starts_with("1. A cleanup goroutine (goroutine ")) << r.out;
  EXPECT_NE(r.out.find("is stuck in " + f["blocked_function"].get<std::string>()),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("No leak suspect"), std::string::npos) << r.out;
}

// A weak pointer stores its target's address as an integer in a handle: it is no edge. The
// strongly held Target is alive through its global alone; the weakly held one is garbage.
TEST_P(CleanupStall, WeakPointersKeepNothingAlive) {
  auto f = facts();
  ASSERT_TRUE(f["weak_only_alive_at_dump"].get<bool>());
  auto r = test::run_leakseek(
      {"heap", "why", dump(), f["strong"].get<std::string>(), "--program", program(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = json::parse(r.out);
  EXPECT_EQ(j["retention"], "rooted");
  ASSERT_FALSE(j["paths"].empty());
  for (const auto& p : j["paths"]) {
    EXPECT_EQ(p["root"]["variable"], f["strong_global"]) << p;
    EXPECT_NE(p["root"]["variable"], f["weak_global"]) << p;
  }
  r = test::run_leakseek({"heap", "why", dump(), f["weak_only"].get<std::string>(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["retention"], "unreachable") << r.out;
}

// The same stall in the goroutine dump the program wrote beside its heap dump.
TEST_P(CleanupStall, GoroutineDumpNamesTheStuckCleanup) {
  auto f = facts();
  auto r = test::run_leakseek(
      {"goroutines",
       test::fixture_dir() + "/" + GetParam() + "/" + f["goroutine_dump"].get<std::string>(),
       "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = json::parse(r.out);
  ASSERT_TRUE(j["finalizer"].is_object()) << r.out;
  EXPECT_EQ(j["finalizer"]["function"], f["blocked_function"]);
  EXPECT_EQ(j["finalizer"]["blocked"], true);
  EXPECT_EQ(j["finalizer"]["found_by"], "runtime.runCleanups");
}

INSTANTIATE_TEST_SUITE_P(Go, CleanupStall, ::testing::ValuesIn(sets_with_cleanups()),
                         test::GoVersionName());

}  // namespace
}  // namespace leakseek
