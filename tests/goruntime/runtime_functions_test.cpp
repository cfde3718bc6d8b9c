// The Go runtime knowledge every reader and analysis shares, one table: each row is a function
// name or wait reason as a real Go version prints it, and what it is.
#include "goruntime/runtime_functions.h"

#include <gtest/gtest.h>

#include <string_view>

#include "goruntime/go_version.h"

namespace leakseek::goruntime {
namespace {

struct FunctionRow {
  std::string_view name;
  bool internal;   // hidden by debug=2 tracebacks
  bool package;    // the runtime's, exported or not
  bool machinery;  // between where the program waits and how
  QueueLoop loop;
};

constexpr FunctionRow kFunctions[] = {
    {"runtime.gopark", true, true, true, QueueLoop::none},
    {"runtime.chanrecv1", true, true, true, QueueLoop::none},
    {"runtime.GC", false, true, true, QueueLoop::none},
    {"runtime.Gosched", false, true, true, QueueLoop::none},
    {"runtime.KeepAlive", false, true, true, QueueLoop::none},
    {"internal/runtime/maps.(*Map).getWithKey", true, true, true, QueueLoop::none},
    {"runtime/internal/atomic.Load", false, true, false, QueueLoop::none},
    {"runtime/pprof.writeGoroutineStacks", false, false, false, QueueLoop::none},
    {"runtime.runfinq", true, true, true, QueueLoop::finalizers},        // Go <= 1.24
    {"runtime.runFinalizers", true, true, true, QueueLoop::finalizers},  // Go 1.25+
    {"runtime.runCleanups", true, true, true, QueueLoop::cleanups},      // Go 1.25+
    {"runtime.callCleanup[go.shape.*uint8]", true, true, true, QueueLoop::none},
    {"sync.runtime_SemacquireMutex", false, false, true, QueueLoop::none},  // Go <= 1.23
    {"sync.(*Mutex).Lock", false, false, true, QueueLoop::none},
    {"internal/sync.runtime_SemacquireMutex", false, false, true, QueueLoop::none},  // 1.24+
    {"main.blockForever", false, false, false, QueueLoop::none},
    {"main.runtime.helper", false, false, false, QueueLoop::none},
    {"syncthing.Run", false, false, false, QueueLoop::none},
};

TEST(RuntimeFunctions, EveryRow) {
  for (const auto& row : kFunctions) {
    SCOPED_TRACE(row.name);
    EXPECT_EQ(is_runtime_internal(row.name), row.internal);
    EXPECT_EQ(is_runtime_package(row.name), row.package);
    EXPECT_EQ(is_wait_machinery(row.name), row.machinery);
    EXPECT_EQ(queue_loop(row.name), row.loop);
  }
}

TEST(RuntimeFunctions, IdleWaitReasons) {
  for (std::string_view w : {"finalizer wait", "cleanup wait"}) EXPECT_TRUE(is_idle_queue_wait(w));
  for (std::string_view w : {"chan receive", "sync.Mutex.Lock", "semacquire", ""})
    EXPECT_FALSE(is_idle_queue_wait(w));
}

TEST(GoVersion, ParsesWhatTheRuntimePrints) {
  struct Row {
    std::string_view text;
    std::optional<int> minor;
  };
  for (const Row& r :
       {Row{"go1.19.8", 19}, Row{"go1.23.5", 23}, Row{"go1.26.8", 26}, Row{"go1.27.3", 27},
        Row{"go1.27rc1", 27}, Row{"go1.28", 28}, Row{"devel go1.28-abcdef", std::nullopt},
        Row{"", std::nullopt}, Row{"go2.0", std::nullopt}}) {
    EXPECT_EQ(go_minor_version(r.text), r.minor) << r.text;
  }
  EXPECT_TRUE(newer_go_note("go1.27.3").empty());
  EXPECT_TRUE(newer_go_note("garbage").empty());
  EXPECT_NE(newer_go_note("go1.28.0").find("newer than go1.27"), std::string::npos);
}

}  // namespace
}  // namespace leakseek::goruntime
