// Every goroutine dump form written by real Go 1.19 and 1.23 programs (testdata/go/
// goroutinefixture): the counts, states, goroutine ids, labels and the finalizer goroutine the
// program recorded in its facts file.
#include <gtest/gtest.h>
#include <cstdlib>
#include <filesystem>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "format/goroutine_dump_reader.h"
#include "goroutines/finalizer_goroutine.h"
#include "goroutines/goroutine_diff.h"
#include "goroutines/goroutine_groups.h"
#include "goroutines/leak_suspects.h"
#include "support/fixtures.h"

namespace leakseek {
namespace {

using namespace goroutines;
using nlohmann::json;

struct Case {
  std::string go;
  std::string file_key;  // debug0, debug1, debug2, panic, sigquit
};

std::string case_name(const testing::TestParamInfo<Case>& info) {
  std::string go = info.param.go;
  go.erase(std::remove(go.begin(), go.end(), '.'), go.end());
  return go + "_" + info.param.file_key;
}

// The program's own frame a group is parked under (its top frame may be sync's).
std::string first_main_frame(const Group& g) {
  for (const auto& f : g.stack)
    if (f.function.substr(0, 5) == "main.") return std::string(f.function);
  return "";
}

class GoroutineFixture : public testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    facts = test::fixture_facts(GetParam().go, "goroutinefixture");
    path = test::fixture_dir() + "/" + GetParam().go + "/" +
           facts["files"][GetParam().file_key].get<std::string>();
    dump = format::read_goroutine_dump_file(path);
  }
  const Group* group_of(const Grouping& g, const std::string& fn) {
    const Group* found = nullptr;
    for (const auto& group : g.groups)
      if (first_main_frame(group) == fn) {
        EXPECT_EQ(found, nullptr) << "two groups with top function " << fn;
        found = &group;
      }
    return found;
  }
  bool has_goids() const {
    return GetParam().file_key != "debug0" && GetParam().file_key != "debug1";
  }
  // Goroutine ids are the recording process's; the panic and SIGQUIT dumps come from a child.
  bool same_process() const { return GetParam().file_key.substr(0, 5) == "debug"; }
  bool go119() const { return GetParam().go == "go1.19"; }

  json facts;
  std::string path;
  GoroutineDump dump;
};

TEST_P(GoroutineFixture, FormAndReason) {
  const auto& k = GetParam().file_key;
  DumpForm want = k == "debug0"   ? DumpForm::pprof_proto
                  : k == "debug1" ? DumpForm::debug1
                  : k == "debug2" ? DumpForm::debug2
                                  : DumpForm::traceback;
  EXPECT_EQ(dump.form, want);
  if (k == "panic") {
    EXPECT_EQ(dump.reason, "panic: " + facts["panic_message"].get<std::string>());
  }
  if (k == "sigquit") {
    EXPECT_EQ(dump.reason, "SIGQUIT: quit");
  }
}

TEST_P(GoroutineFixture, LeakedGroupsHaveTheRecordedCountsStatesAndIds) {
  auto g = group_goroutines(dump);
  for (const auto& want : facts["groups"]) {
    std::string fn = want["function"];
    SCOPED_TRACE(fn);
    const Group* got = group_of(g, fn);
    ASSERT_NE(got, nullptr);
    EXPECT_EQ(got->count, want["count"].get<uint64_t>());
    EXPECT_FALSE(got->runtime_owned);
    std::string state = got->state.data() ? std::string(got->state) : "";
    if (GetParam().file_key == "debug1") {
      // debug=1 hides the runtime frames that would name a channel operation.
      EXPECT_EQ(state, fn == "main.leakMutex" ? "semacquire" : "waiting");
    } else if (GetParam().file_key == "debug0") {
      EXPECT_EQ(state, fn == "main.leakMutex" ? "semacquire" : want["state"].get<std::string>());
    } else {
      EXPECT_EQ(state, want["state"].get<std::string>());
    }
    if (has_goids()) {
      ASSERT_TRUE(got->created_by.has_value());
      EXPECT_EQ(got->created_by->function, want["created_by"].get<std::string>());
      if (go119()) {
        EXPECT_FALSE(got->created_by->creator_goid.has_value());
      } else {
        EXPECT_EQ(got->created_by->creator_goid, 1u);
      }
      EXPECT_EQ(got->goids.size(), want["count"].get<size_t>());
      if (same_process()) {
        auto goids = got->goids;
        auto expected = want["goids"].get<std::vector<uint64_t>>();
        std::sort(goids.begin(), goids.end());
        std::sort(expected.begin(), expected.end());
        EXPECT_EQ(goids, expected);
      }
    } else {
      EXPECT_TRUE(got->goids.empty());
    }
  }
}

TEST_P(GoroutineFixture, LabelsWhereTheFormHasThem) {
  auto g = group_goroutines(dump);
  const Group* got = group_of(g, facts["labelled"]["function"]);
  ASSERT_NE(got, nullptr);
  if (GetParam().file_key == "debug0" || GetParam().file_key == "debug1") {
    ASSERT_EQ(got->labels.size(), 1u);
    EXPECT_EQ(got->labels[0].key, facts["labelled"]["key"].get<std::string>());
    EXPECT_EQ(got->labels[0].value, facts["labelled"]["value"].get<std::string>());
  } else {
    EXPECT_TRUE(got->labels.empty());  // tracebacks print labels only from Go 1.27
  }
  // Go < 1.22 names the wrapper of `go f(args)` like any closure (main.startLeaks.func2), so a
  // SIGQUIT dump, which shows wrappers, has one frame more after pprof.Do.
  bool has_do = false;
  for (const auto& f : got->stack) has_do = has_do || f.function == "runtime/pprof.Do";
  EXPECT_TRUE(has_do);
  if (GetParam().file_key != "sigquit") {
    ASSERT_FALSE(got->stack.empty());
    EXPECT_EQ(got->stack.back().function, "runtime/pprof.Do");
  }
}

TEST_P(GoroutineFixture, SuspectsAreExactlyTheLeaks) {
  auto g = group_goroutines(dump);
  auto suspects = find_leak_suspects(g);
  std::set<std::string> got, want;
  for (const auto& s : suspects) got.insert(first_main_frame(*s.group));
  for (const auto& w : facts["groups"]) want.insert(w["function"].get<std::string>());
  EXPECT_EQ(got, want);
  ASSERT_FALSE(suspects.empty());
  EXPECT_EQ(suspects[0].group->top_function, "main.leakRecv");  // 7, the largest
}

TEST_P(GoroutineFixture, FinalizerGoroutineIsBlockedInTheUserFunction) {
  auto f = find_finalizer_goroutine(dump);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->function, facts["finalizer"]["function"].get<std::string>());
  EXPECT_TRUE(f->blocked);
  const auto& k = GetParam().file_key;
  if (GetParam().go >= "go1.25") {
    // Go 1.25 renamed the loop and shows its frames in every form.
    EXPECT_EQ(f->found_by, "runtime.runFinalizers");
  } else if (k == "debug2" || k == "panic") {
    // Go < 1.25 hides runfinq and the creator in these dumps.
    EXPECT_EQ(f->found_by, "no created by line");
    EXPECT_EQ(f->state, facts["finalizer"]["state"].get<std::string>());
  } else {
    EXPECT_EQ(f->found_by, "runtime.runfinq");
  }
  if (k == "debug2") {
    EXPECT_EQ(f->goid, facts["finalizer"]["goid"].get<uint64_t>());
  }
  if (k == "sigquit") {
    EXPECT_TRUE(f->goid.has_value());
  }
  if (k == "debug0" || k == "debug1") {
    EXPECT_FALSE(f->goid.has_value());
  }
}

TEST_P(GoroutineFixture, TotalsAgree) {
  uint64_t sum = 0;
  for (const auto& g : dump.goroutines) sum += g.count;
  EXPECT_EQ(dump.total, sum);
  if (GetParam().file_key == "debug1") {
    std::ifstream in(path);
    std::string first;
    std::getline(in, first);
    EXPECT_EQ(first, "goroutine profile: total " + std::to_string(sum));
  }
  auto g = group_goroutines(dump);
  uint64_t leaked = facts["leaked_total"];
  // The leaks, the finalizer goroutine, main, and whatever the runtime owns.
  EXPECT_GE(dump.total, leaked + 2);
  if (GetParam().file_key == "sigquit") {
    EXPECT_GT(g.hidden_runtime_owned, 0u);  // GC workers, sweeper, scavenger, g0
  }
}

std::vector<Case> cases() {
  std::vector<Case> out;
  for (const auto& go : test::go_versions())
    for (const char* k : {"debug0", "debug1", "debug2", "panic", "sigquit"}) out.push_back({go, k});
  return out;
}

INSTANTIATE_TEST_SUITE_P(AllForms, GoroutineFixture, testing::ValuesIn(cases()), case_name);

// Go 1.26 prints a goroutine's pprof labels inside its traceback header under
// GODEBUG=tracebacklabels=1 (the default for go 1.27 modules): the fixture program run so
// writes them, and they read as labels, not as part of the state.
TEST(GoroutineFixtureLabels, TracebackLabelsReadFromTheHeader) {
  for (const auto& go : test::go_versions()) {
    if (go < "go1.26") continue;
    SCOPED_TRACE(go);
    test::TempDir tmp("leakseek-labels");
    const std::string& dir = tmp.path();
    std::string cmd = "cd '" + dir + "' && GODEBUG=tracebacklabels=1 '" +
                      test::fixture_path(go, "goroutinefixture") + "' '" + dir + "/g.dump' '" +
                      dir + "/g.json' >/dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    auto facts = nlohmann::json::parse(std::ifstream(dir + "/g.json"));
    std::ifstream raw(dir + "/" + facts["files"]["debug2"].get<std::string>());
    std::string text((std::istreambuf_iterator<char>(raw)), std::istreambuf_iterator<char>());
    // Go 1.26 prints them quoted inside the bracket, 1.27 after it, unquoted where it can.
    ASSERT_NE(text.find(go == "go1.26" ? " labels:{\"worker\": \"leakseek\"}]:"
                                       : "] {worker: leakseek}:"),
              std::string::npos)
        << "the runtime did not print labels in the header as expected";
    auto d =
        format::read_goroutine_dump_file(dir + "/" + facts["files"]["debug2"].get<std::string>());
    size_t labelled = 0;
    for (const auto& g : d.goroutines) {
      EXPECT_EQ(g.state.find("labels"), std::string_view::npos) << g.state;
      if (g.frames.empty() || g.frames[0].function != facts["labelled"]["function"]) continue;
      labelled++;
      EXPECT_EQ(g.state, "chan receive");
      ASSERT_EQ(g.labels.size(), 1u);
      EXPECT_EQ(g.labels[0].key, "worker");
      EXPECT_EQ(g.labels[0].value, "leakseek");
    }
    EXPECT_EQ(labelled, facts["labelled"]["count"].get<size_t>());
  }
}

// The same goroutines read from three forms are the same stacks: a diff of one form against
// another finds no leaked stack changed.
TEST(GoroutineFixtureDiff, FormsAgreeOnEveryLeakedStack) {
  for (const auto& go : test::go_versions()) {
    SCOPED_TRACE(go);
    auto facts = test::fixture_facts(go, "goroutinefixture");
    auto file = [&](const char* k) {
      return format::read_goroutine_dump_file(test::fixture_dir() + "/" + go + "/" +
                                              facts["files"][k].get<std::string>());
    };
    auto d0 = file("debug0"), d1 = file("debug1"), d2 = file("debug2");
    for (const auto* pair : {&d0, &d1}) {
      auto diff = diff_goroutines(d2, *pair);
      for (const auto& c : diff.changes) {
        for (const auto& g : facts["groups"])
          EXPECT_NE(c.top_function, g["function"].get<std::string>());
        EXPECT_NE(c.top_function, facts["finalizer"]["function"].get<std::string>());
      }
      EXPECT_GE(diff.unchanged_stacks, facts["groups"].size() + 1);
    }
  }
}

}  // namespace
}  // namespace leakseek
