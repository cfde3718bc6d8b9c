// Grouping, runtime-owned goroutines, leak suspects, the finalizer goroutine in every form
// (including Go 1.25+ frame names on crafted texts) and diffs.
#include <gtest/gtest.h>

#include <string>

#include "format/goroutine_dump_reader.h"
#include "goroutines/finalizer_goroutine.h"
#include "goroutines/goroutine_diff.h"
#include "goroutines/goroutine_groups.h"
#include "goroutines/leak_suspects.h"
#include "goroutines/runtime_owned.h"

namespace leakseek {
namespace {

using namespace goroutines;

GoroutineDump read(const std::string& text) {
  return format::read_goroutine_dump({reinterpret_cast<const uint8_t*>(text.data()), text.size()},
                                     "dump.txt");
}

// A debug=2 block for goroutine `id` parked in `state` in main.`fn` (line `line`), created by
// main.start; no creator line when `creator` is false.
std::string block(int id, const std::string& state, const std::string& fn, int line = 10,
                  bool creator = true) {
  std::string s = "goroutine " + std::to_string(id) + " [" + state + "]:\nmain." + fn +
                  "()\n\t/src/main.go:" + std::to_string(line) + " +0x10\n";
  if (creator) s += "created by main.start in goroutine 1\n\t/src/main.go:5 +0x20\n";
  return s + "\n";
}

std::string main_block() {
  return "goroutine 1 [running]:\nmain.main()\n\t/src/main.go:3 +0x1\n\n";
}

TEST(GoroutineGroups, IdenticalStacksGroupLargestFirst) {
  std::string text = main_block();
  for (int i = 0; i < 5; i++)
    text += block(10 + i, "chan receive, " + std::to_string(i) + " minutes", "recv");
  for (int i = 0; i < 3; i++) text += block(20 + i, "chan send", "send");
  text += block(30, "chan receive", "recv", 11);  // another line: another stack
  auto d = read(text);
  auto g = group_goroutines(d);
  EXPECT_EQ(g.total, 10u);
  ASSERT_EQ(g.groups.size(), 4u);
  EXPECT_EQ(g.groups[0].count, 5u);
  EXPECT_EQ(g.groups[0].top_function, "main.recv");
  EXPECT_EQ(g.groups[0].max_wait_minutes, 4);
  EXPECT_EQ(g.groups[0].goids, (std::vector<uint64_t>{10, 11, 12, 13, 14}));
  EXPECT_EQ(g.groups[0].created_by->function, "main.start");
  EXPECT_EQ(g.groups[1].count, 3u);
  EXPECT_EQ(g.groups[1].state, "chan send");

  auto top = group_goroutines(d, {.by = GroupBy::top});
  ASSERT_EQ(top.groups.size(), 3u);
  EXPECT_EQ(top.groups[0].count, 6u);
  auto creator = group_goroutines(d, {.by = GroupBy::creator});
  ASSERT_EQ(creator.groups.size(), 2u);
  EXPECT_EQ(creator.groups[0].count, 9u);
  EXPECT_EQ(creator.groups[0].state, "mixed");
}

TEST(GoroutineGroups, RuntimeOwnedHiddenUnlessAsked) {
  std::string text =
      main_block() +
      "goroutine 2 [force gc (idle)]:\nruntime.gopark(0x0?)\n\t/go/proc.go:424 +0xce\n"
      "runtime.forcegchelper()\n\t/go/proc.go:326 +0xb3\n"
      "created by runtime.init.7 in goroutine 1\n\t/go/proc.go:314 +0x1a\n\n"
      "goroutine 6 [syscall]:\nos/signal.signal_recv()\n\t/go/sigqueue.go:152 +0x29\n"
      "os/signal.loop()\n\t/go/signal_unix.go:23 +0x13\n"
      "created by os/signal.Notify.func1.1 in goroutine 1\n\t/go/signal.go:151 +0x1f\n\n"
      "goroutine 0 [idle]:\nruntime.futex(0x1)\n\t/go/sys.s:557 +0x21\n\n" +
      block(9, "chan receive", "recv");
  auto d = read(text);
  EXPECT_TRUE(is_runtime_owned(d.goroutines[1]));
  EXPECT_TRUE(is_runtime_owned(d.goroutines[2]));
  EXPECT_TRUE(is_runtime_owned(d.goroutines[3]));
  EXPECT_FALSE(is_runtime_owned(d.goroutines[0]));
  EXPECT_FALSE(is_runtime_owned(d.goroutines[4]));
  auto g = group_goroutines(d);
  EXPECT_EQ(g.hidden_runtime_owned, 3u);
  EXPECT_EQ(g.groups.size(), 2u);
  auto all = group_goroutines(d, {.include_runtime_owned = true});
  EXPECT_EQ(all.hidden_runtime_owned, 0u);
  EXPECT_EQ(all.groups.size(), 5u);
}

TEST(GoroutineGroups, SameStackFromEveryFormGroupsTogether) {
  // runtime frames shown (SIGQUIT) and hidden (debug=2) are the same stack.
  auto d = read(
      "goroutine 5 [chan receive]:\nruntime.gopark(0x1?)\n\t/go/proc.go:424 +0xce\n"
      "runtime.chanrecv1(0x1?)\n\t/go/chan.go:489 +0x12\nmain.recv()\n\t/src/main.go:10 +0x10\n"
      "runtime.goexit({})\n\t/go/asm.s:1700 +0x1\n"
      "created by main.start in goroutine 1\n\t/src/main.go:5 +0x20\n\n" +
      block(6, "chan receive", "recv"));
  auto g = group_goroutines(d);
  ASSERT_EQ(g.groups.size(), 1u);
  EXPECT_EQ(g.groups[0].count, 2u);
  ASSERT_EQ(g.groups[0].stack.size(), 1u);
  EXPECT_EQ(g.groups[0].stack[0].function, "main.recv");
}

TEST(LeakSuspects, ParkedGroupsOnlyByCountThenWait) {
  std::string text = main_block();
  for (int i = 0; i < 3; i++) text += block(10 + i, "select, 9 minutes", "sel");
  for (int i = 0; i < 3; i++) text += block(20 + i, "chan send, 2 minutes", "send");
  for (int i = 0; i < 6; i++) text += block(30 + i, "IO wait", "serve");
  for (int i = 0; i < 4; i++) text += block(40 + i, "sync.Mutex.Lock", "lock");
  text += block(50, "chan receive", "once");
  auto d = read(text);
  auto g = group_goroutines(d);
  auto s = find_leak_suspects(g);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].group->top_function, "main.lock");
  EXPECT_EQ(s[0].group->program_function, "main.lock");
  EXPECT_EQ(s[0].blocked_on, "sync");
  EXPECT_EQ(s[1].group->top_function, "main.sel");  // 9 minutes beats 2
  EXPECT_EQ(s[2].group->top_function, "main.send");
  EXPECT_EQ(find_leak_suspects(g, {.min_count = 4}).size(), 1u);
  EXPECT_EQ(find_leak_suspects(g, {.min_count = 1}).size(), 4u);
}

TEST(FinalizerGoroutine, HiddenFramesGo124Debug2) {
  auto d = read(main_block() + block(17, "chan receive, 5 minutes", "closeConn", 40, false) +
                block(18, "chan receive", "recv"));
  auto f = find_finalizer_goroutine(d);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->goid, 17u);
  EXPECT_EQ(f->function, "main.closeConn");
  EXPECT_EQ(f->state, "chan receive");
  EXPECT_EQ(f->wait_minutes, 5);
  EXPECT_TRUE(f->blocked);
  EXPECT_EQ(f->found_by, "no created by line");
}

TEST(FinalizerGoroutine, NoneWhenEveryOtherGoroutineHasACreator) {
  EXPECT_FALSE(find_finalizer_goroutine(read(main_block() + block(18, "chan receive", "recv"))));
}

TEST(FinalizerGoroutine, Go125RunFinalizersBlockedAndCleanupsIdle) {
  auto d = read(
      "goroutine 3 gp=0xc000003c00 m=nil [cleanup wait]:\nruntime.gopark(0x0?)\n"
      "\t/go/proc.go:435 +0xce\nruntime.runCleanups()\n\t/go/mcleanup.go:350 +0x7d\n"
      "created by runtime.(*cleanupQueue).createGs in goroutine 1\n\t/go/mcleanup.go:600 +0x9\n\n"
      "goroutine 4 gp=0xc000003e00 m=nil [sync.WaitGroup.Wait, 14 minutes]:\n"
      "runtime.gopark(0x0?)\n\t/go/proc.go:435 +0xce\n"
      "sync.(*WaitGroup).Wait(0xc0000b0000)\n\t/go/sync/waitgroup.go:118 +0x48\n"
      "main.(*Conn).finalize(0xc0000a0000)\n\t/src/conn.go:77 +0x3a\n"
      "runtime.call16(0x0, 0x0, 0x0, 0x0, 0x0)\n\t/go/asm_amd64.s:775 +0x42\n"
      "runtime.runFinalizers()\n\t/go/mfinal.go:255 +0x3f0\n"
      "created by runtime.createfing in goroutine 1\n\t/go/mfinal.go:163 +0x3d\n\n");
  auto f = find_finalizer_goroutine(d);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->goid, 4u);
  EXPECT_EQ(f->function, "main.(*Conn).finalize");
  EXPECT_EQ(f->state, "sync.WaitGroup.Wait");
  EXPECT_EQ(f->wait_minutes, 14);
  EXPECT_TRUE(f->blocked);
  EXPECT_EQ(f->found_by, "runtime.runFinalizers");
  // The cleanup goroutine is the runtime's; the stuck finalizer goroutine is the program's.
  EXPECT_TRUE(is_runtime_owned(d.goroutines[0]));
  EXPECT_FALSE(is_runtime_owned(d.goroutines[1]));
}

TEST(FinalizerGoroutine, Go125CleanupBlockedInUserCode) {
  auto d = read(
      "goroutine 3 [chan send, 2 minutes]:\nruntime.gopark(0x0?)\n\t/go/proc.go:435 +0xce\n"
      "runtime.chansend1(0x0?)\n\t/go/chan.go:161 +0x1d\n"
      "main.flush(...)\n\t/src/f.go:9\n"
      "runtime.runCleanups()\n\t/go/mcleanup.go:350 +0x7d\n"
      "created by runtime.(*cleanupQueue).createGs in goroutine 1\n\t/go/mcleanup.go:600 +0x9\n\n");
  auto f = find_finalizer_goroutine(d);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->function, "main.flush");
  EXPECT_TRUE(f->blocked);
  EXPECT_EQ(f->found_by, "runtime.runCleanups");
}

TEST(FinalizerGoroutine, IdleIsNotBlocked) {
  auto d = read(
      "goroutine 5 [finalizer wait]:\nruntime.gopark(0x0?)\n\t/go/proc.go:424 +0xce\n"
      "runtime.runfinq()\n\t/go/mfinal.go:193 +0x107\n"
      "created by runtime.createfing in goroutine 1\n\t/go/mfinal.go:163 +0x3d\n\n");
  auto f = find_finalizer_goroutine(d);
  ASSERT_TRUE(f.has_value());
  EXPECT_FALSE(f->blocked);
  EXPECT_EQ(f->function, "");
  EXPECT_TRUE(is_runtime_owned(d.goroutines[0]));
}

TEST(GoroutineDiff, NewStacksFirstThenGrowth) {
  std::string base = main_block();
  for (int i = 0; i < 2; i++) base += block(10 + i, "chan receive", "recv");
  for (int i = 0; i < 4; i++) base += block(20 + i, "select", "sel");
  base += block(30, "chan send", "gone");
  std::string now = main_block();
  for (int i = 0; i < 9; i++) now += block(10 + i, "chan receive", "recv");
  for (int i = 0; i < 4; i++) now += block(20 + i, "select", "sel");
  for (int i = 0; i < 3; i++) now += block(40 + i, "semacquire", "fresh");
  auto a = read(now), b = read(base);
  auto d = diff_goroutines(a, b);
  EXPECT_EQ(d.total, 17u);
  EXPECT_EQ(d.base_total, 8u);
  ASSERT_EQ(d.changes.size(), 3u);
  EXPECT_EQ(d.changes[0].top_function, "main.fresh");
  EXPECT_TRUE(d.changes[0].is_new);
  EXPECT_EQ(d.changes[0].delta, 3);
  EXPECT_EQ(d.changes[1].top_function, "main.recv");
  EXPECT_EQ(d.changes[1].base_count, 2u);
  EXPECT_EQ(d.changes[1].count, 9u);
  EXPECT_EQ(d.changes[1].delta, 7);
  EXPECT_EQ(d.changes[2].top_function, "main.gone");
  EXPECT_TRUE(d.changes[2].is_gone);
  EXPECT_EQ(d.unchanged_stacks, 2u);  // main.main and main.sel
}

}  // namespace
}  // namespace leakseek
