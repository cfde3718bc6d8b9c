// The incident leakseek is built around, on a real cgo program (testdata/go/cgostall): Go rows
// owning C statements, their finalizer stalled on a lock, the rows piling up in the finalizer
// queue. With --program the binary is accepted although its ELF .data and .bss hold C variables
// too, and the queue, the globals and the paths get their Go names.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "support/fixtures.h"

namespace leakseek {
namespace {

using nlohmann::json;
using test::run_leakseek;

class CgoHeap : public ::testing::TestWithParam<std::string> {
 protected:
  std::string set() const { return GetParam() + "-extlink"; }
  std::string dump() const { return test::fixture_path(set(), "cgostall", "dump"); }
  std::string program() const { return test::fixture_path(set(), "cgostall"); }
  json facts() const { return test::fixture_facts(set(), "cgostall"); }
};

TEST_P(CgoHeap, SummaryNamesTheStalledFinalizerAndWhatWaitsBehindIt) {
  auto f = facts();
  auto r = run_leakseek({"heap", "summary", dump(), "--program", program(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
  auto j = json::parse(r.out);
  const auto& fg = j["finalizer_goroutine"];
  ASSERT_FALSE(fg.is_null());
  EXPECT_TRUE(fg["blocked"].get<bool>());
  EXPECT_EQ(fg["function"], f["blocked_function"]) << fg;
  // Every dropped row waits in the queue (the running one too), typed from the binary.
  const uint64_t queued = f["queued_expected"];
  EXPECT_GE(j["finalizers"]["queued"].get<uint64_t>(), queued);
  bool rows = false;
  for (const auto& t : j["finalizers"]["queued_by_type"]) {
    if (t["type"] == "*" + f["rows_type"].get<std::string>() || t["type"] == f["rows_type"]) {
      rows = true;
      EXPECT_GE(t["count"].get<uint64_t>(), queued) << t;
      EXPECT_GE(t["retained_bytes"].get<uint64_t>(), queued * f["rows_size"].get<uint64_t>());
    }
  }
  EXPECT_TRUE(rows) << j["finalizers"]["queued_by_type"];
  EXPECT_GE(j["typed_bytes_ratio"].get<double>(), 0.9);
  // The same diagnosis in words leads the text summary.
  r = run_leakseek({"heap", "summary", dump(), "--program", program()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(f["blocked_function"].get<std::string>()), std::string::npos) << r.out;
}

TEST_P(CgoHeap, WhyAndTypesNameTheGlobalsAndTheRows) {
  auto f = facts();
  auto r = run_leakseek(
      {"heap", "why", dump(), f["open_row"].get<std::string>(), "--program", program()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(f["open_row"].get<std::string>() + " main.Rows"), std::string::npos)
      << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("from (bss|data) main\\.open \\("))) << r.out;
  r = run_leakseek({"heap", "show", dump(), f["conn"].get<std::string>(), "--program", program()});
  // The connection is a Go global itself (statically allocated), not a heap object.
  EXPECT_EQ(r.exit_code, 2);
  r = run_leakseek({"heap", "types", dump(), "--program", program(), "--json", "-n", "1000"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = json::parse(r.out);
  uint64_t rows = 0;
  for (const auto& row : j["rows"])
    if (row["type"] == f["rows_type"]) rows = row["count"];
  // The open rows and the queued ones; the first, whose finalizer runs, may be counted too.
  EXPECT_GE(rows, f["open_rows"].get<uint64_t>() + f["queued_expected"].get<uint64_t>());
  EXPECT_LE(rows, f["open_rows"].get<uint64_t>() + f["queued_expected"].get<uint64_t>() + 1);
}

// The program's binary is matched by Go's own segments; another cgo build is still refused.
TEST_P(CgoHeap, AnotherProgramIsRefused) {
  std::string other = test::fixture_path(set(), "heapfixture");
  auto r = run_leakseek({"heap", "summary", dump(), "--program", other});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(other + ": not the program that wrote " + dump() + ": its Go "),
            std::string::npos)
      << r.err;
}

INSTANTIATE_TEST_SUITE_P(Go, CgoHeap, ::testing::ValuesIn(test::go_versions()),
                         test::GoVersionName());

}  // namespace
}  // namespace leakseek
