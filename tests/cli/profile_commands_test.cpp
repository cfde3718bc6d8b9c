// `leakseek profile top|diff|trend` end to end: the JSON each promises, numbers equal to
// `go tool pprof`, exit codes and one-line errors.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/fixtures.h"
#include "support/pprof_top_rows.h"

namespace leakseek {
namespace {

using nlohmann::json;
using test::run_leakseek;

const std::string kGo = "go1.23";

std::string heap_profile() {
  auto facts = test::fixture_facts(kGo, "profilefixture");
  return test::fixture_dir() + "/" + kGo + "/" + facts["profiles"]["heap"].get<std::string>();
}

std::string trend_dir() {
  auto facts = test::fixture_facts(kGo, "profiletrend");
  return test::fixture_dir() + "/" + kGo + "/" + facts["directory"].get<std::string>();
}

std::string snapshot(size_t i) {
  auto facts = test::fixture_facts(kGo, "profiletrend");
  return trend_dir() + "/" + facts["profiles"][i].get<std::string>();
}

TEST(ProfileCli, TopJsonIsPprofTop) {
  auto r =
      run_leakseek({"profile", "top", heap_profile(), "--sample-index", "alloc_space", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = json::parse(r.out);
  auto go = test::go_pprof_top(heap_profile(), "alloc_space");
  EXPECT_EQ(j["sample_type"], "alloc_space");
  EXPECT_EQ(j["total"].get<int64_t>(), go.total);
  ASSERT_EQ(j["rows"].size(), go.rows.size());
  for (size_t i = 0; i < go.rows.size(); i++) {
    std::string name = j["rows"][i]["function"];
    if (j["rows"][i].contains("inline"))
      name += " (" + j["rows"][i]["inline"].get<std::string>() + ")";
    EXPECT_EQ(name, go.rows[i].function);
    EXPECT_EQ(j["rows"][i]["flat"].get<int64_t>(), go.rows[i].flat);
    EXPECT_EQ(j["rows"][i]["cum"].get<int64_t>(), go.rows[i].cum);
  }
}

TEST(ProfileCli, TopTextLimitsRows) {
  auto r = run_leakseek({"profile", "top", heap_profile(), "-n", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto facts = test::fixture_facts(kGo, "profilefixture");
  EXPECT_NE(r.out.find(facts["leaky"]["function"].get<std::string>()), std::string::npos);
  EXPECT_NE(r.out.find("3.9 MiB"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("runtime.main"), std::string::npos) << r.out;
}

TEST(ProfileCli, DiffJsonShowsTheLeakFirst) {
  auto r = run_leakseek({"profile", "diff", snapshot(0), snapshot(5), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = json::parse(r.out);
  auto facts = test::fixture_facts(kGo, "profiletrend");
  const auto& bytes = facts["leaky"]["bytes"];
  int64_t growth = bytes[5].get<int64_t>() - bytes[0].get<int64_t>();
  EXPECT_EQ(j["functions"][0]["function"], facts["leaky"]["function"]);
  EXPECT_EQ(j["functions"][0]["flat"].get<int64_t>(), growth);
  EXPECT_EQ(j["stacks"][0]["delta"].get<int64_t>(), growth);
  EXPECT_EQ(j["stacks"][0]["frames"][0], facts["leaky"]["function"]);
  EXPECT_EQ(j["total"].get<int64_t>(), test::go_pprof_top(snapshot(5), "", snapshot(0)).total);
}

TEST(ProfileCli, TrendDirectoryFailsOnLeak) {
  auto facts = test::fixture_facts(kGo, "profiletrend");
  // 256 MiB/h: see trend_test.cpp.
  auto ok = run_leakseek({"profile", "trend", trend_dir(), "--json", "--min-slope", "268435456"});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  auto j = json::parse(ok.out);
  ASSERT_EQ(j["suspects"].size(), 1u);
  EXPECT_EQ(j["suspects"][0]["function"], facts["leaky"]["function"]);
  EXPECT_EQ(j["suspects"][0]["first"], facts["leaky"]["bytes"][0]);
  EXPECT_EQ(j["suspects"][0]["last"], facts["leaky"]["bytes"][5]);
  EXPECT_EQ(j["snapshots"].size(), facts["profiles"].size());

  auto fail = run_leakseek(
      {"profile", "trend", trend_dir(), "--fail-on", "leak", "--min-slope", "268435456"});
  EXPECT_EQ(fail.exit_code, 1);
  EXPECT_NE(fail.out.find("Leak suspects"), std::string::npos) << fail.out;
  EXPECT_NE(fail.err.find("leak suspect"), std::string::npos) << fail.err;

  // The flat site alone, as files: nothing to fail on.
  auto steady = run_leakseek({"profile", "trend", snapshot(0), snapshot(1), snapshot(2),
                              "--fail-on", "leak", "--min-snapshots", "4"});
  EXPECT_EQ(steady.exit_code, 0) << steady.err;
  EXPECT_NE(steady.out.find("No leak suspects"), std::string::npos) << steady.out;
}

TEST(ProfileCli, BadInputIsOneLineExit2) {
  std::string junk = test::write_temp("not a profile at all", ".pb.gz");
  auto r = run_leakseek({"profile", "top", junk});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err.rfind("leakseek: " + junk + ": ", 0), 0u) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);

  auto bad_type = run_leakseek({"profile", "top", heap_profile(), "--sample-index", "nope"});
  EXPECT_EQ(bad_type.exit_code, 2);
  EXPECT_NE(bad_type.err.find("inuse_space"), std::string::npos) << bad_type.err;

  auto goroutines =
      test::fixture_dir() + "/" + kGo + "/" +
      test::fixture_facts(kGo, "profilefixture")["profiles"]["goroutine"].get<std::string>();
  auto mismatch = run_leakseek({"profile", "diff", goroutines, heap_profile()});
  EXPECT_EQ(mismatch.exit_code, 2);
  EXPECT_NE(mismatch.err.find("incompatible sample types"), std::string::npos) << mismatch.err;

  auto missing = run_leakseek({"profile", "trend", "/nonexistent/leakseek-profiles"});
  EXPECT_EQ(missing.exit_code, 2);
}

}  // namespace
}  // namespace leakseek
