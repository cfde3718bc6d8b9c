// The goroutine dump readers on crafted texts: every header, frame and trailer variant Go 1.19
// to 1.27 prints, debug=1 records, form detection, and bad input with exact offsets.
#include <gtest/gtest.h>

#include <string>

#include "format/goroutine_dump_reader.h"
#include "util/input_error.h"

namespace leakseek {
namespace {

using goroutines::DumpForm;
using goroutines::GoroutineDump;

GoroutineDump read(const std::string& text) {
  return format::read_goroutine_dump({reinterpret_cast<const uint8_t*>(text.data()), text.size()},
                                     "dump.txt");
}

// The InputError reading `text` throws, as "offset N: what" ("" and a failure when none).
std::string error_of(const std::string& text) {
  try {
    read(text);
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "dump.txt");
    return "offset " + (e.offset() ? std::to_string(*e.offset()) : "-") + ": " + e.what();
  }
  ADD_FAILURE() << "no InputError for:\n" << text;
  return "";
}

TEST(GoroutineTextReader, Go119Debug2) {
  auto d = read(
      "goroutine 1 [running]:\n"
      "main.main()\n"
      "\t/src/main.go:10 +0x1d\n"
      "\n"
      "goroutine 20 [chan receive, 12 minutes]:\n"
      "main.worker(0xc000010000, {0x4a0ea0?, 0x1})\n"
      "\t/src/main.go:30 +0x33\n"
      "main.(*Pool).run.func1(...)\n"
      "\t/src/pool.go:7\n"
      "created by main.start\n"
      "\t/src/main.go:20 +0x45\n");
  EXPECT_EQ(d.form, DumpForm::debug2);
  ASSERT_EQ(d.goroutines.size(), 2u);
  EXPECT_EQ(d.total, 2u);
  const auto& g = d.goroutines[1];
  EXPECT_EQ(g.id, 20u);
  EXPECT_EQ(g.state, "chan receive");
  EXPECT_EQ(g.wait_minutes, 12);
  EXPECT_FALSE(g.locked_to_thread);
  ASSERT_EQ(g.frames.size(), 2u);
  EXPECT_EQ(g.frames[0].function, "main.worker");
  EXPECT_EQ(g.frames[0].args, "0xc000010000, {0x4a0ea0?, 0x1}");
  EXPECT_EQ(g.frames[0].file, "/src/main.go");
  EXPECT_EQ(g.frames[0].line, 30);
  EXPECT_EQ(g.frames[0].pc_offset, 0x33u);
  EXPECT_EQ(g.frames[1].function, "main.(*Pool).run.func1");
  EXPECT_EQ(g.frames[1].args, "...");
  EXPECT_FALSE(g.frames[1].pc_offset.has_value());
  ASSERT_TRUE(g.created_by.has_value());
  EXPECT_EQ(g.created_by->function, "main.start");
  EXPECT_EQ(g.created_by->line, 20);
  EXPECT_FALSE(g.created_by->creator_goid.has_value());
  EXPECT_FALSE(d.goroutines[0].created_by.has_value());
}

TEST(GoroutineTextReader, Go121CreatorGoidLockedAndElided) {
  auto d = read(
      "goroutine 7 [select, 3 minutes, locked to thread]:\n"
      "main.deep(0x64)\n"
      "\t/src/deep.go:5 +0x10\n"
      "...150 frames elided...\n"
      "main.deep(0x1)\n"
      "\t/src/deep.go:5 +0x10\n"
      "created by main.main in goroutine 1\n"
      "\t/src/main.go:9 +0x22\n"
      "\n"
      "goroutine 8 [IO wait]:\n"
      "main.old()\n"
      "\t/src/old.go:1 +0x1\n"
      "...additional frames elided...\n"
      "created by main.main\n"
      "\t/src/main.go:10 +0x22\n");
  ASSERT_EQ(d.goroutines.size(), 2u);
  const auto& g = d.goroutines[0];
  EXPECT_EQ(g.state, "select");
  EXPECT_EQ(g.wait_minutes, 3);
  EXPECT_TRUE(g.locked_to_thread);
  EXPECT_TRUE(g.elided);
  EXPECT_EQ(g.elided_frames, 150u);
  EXPECT_EQ(g.frames.size(), 2u);
  EXPECT_EQ(g.created_by->creator_goid, 1u);
  EXPECT_TRUE(d.goroutines[1].elided);
  EXPECT_EQ(d.goroutines[1].elided_frames, 0u);
}

TEST(GoroutineTextReader, SigquitWithGpHeadersRegistersAndNoise) {
  auto d = read(
      "SIGQUIT: quit\n"
      "PC=0x477621 m=0 sigcode=0\n"
      "\n"
      "goroutine 0 gp=0x6701a0 m=0 mp=0x670e20 [idle]:\n"
      "runtime.futex(0x670f60, 0x80, 0x0, 0x0, 0x0, 0x0)\n"
      "\t/go/src/runtime/sys_linux_amd64.s:557 +0x21 fp=0x7fff18f383b0 sp=0x7fff18f383a8 "
      "pc=0x477621\n"
      "\n"
      "goroutine 5 gp=0xc0000076c0 m=nil [finalizer wait, 2 minutes]:\n"
      "runtime.gopark(0x0?, 0x0?, 0x0?, 0x0?, 0x0?)\n"
      "\t/go/src/runtime/proc.go:424 +0xce fp=0xc0000d9918 sp=0xc0000d98f8 pc=0x46df2e\n"
      "runtime.runfinq()\n"
      "\t/go/src/runtime/mfinal.go:193 +0x107 fp=0xc0000d9fe0 sp=0xc0000d9918 pc=0x417911\n"
      "runtime.goexit({})\n"
      "\t/go/src/runtime/asm_amd64.s:1700 +0x1 fp=0xc0000d9fe8 sp=0xc0000d9fe0 pc=0x475861\n"
      "created by runtime.createfing in goroutine 1\n"
      "\t/go/src/runtime/mfinal.go:163 +0x3d\n"
      "\n"
      "-----\n"
      "\n"
      "rax    0xca\n"
      "rbx    0x0\n");
  EXPECT_EQ(d.form, DumpForm::traceback);
  EXPECT_EQ(d.reason, "SIGQUIT: quit");
  ASSERT_EQ(d.goroutines.size(), 2u);
  EXPECT_EQ(d.goroutines[0].id, 0u);
  EXPECT_EQ(d.goroutines[0].state, "idle");
  EXPECT_EQ(d.goroutines[0].frames[0].pc_offset, 0x21u);
  EXPECT_EQ(d.goroutines[1].state, "finalizer wait");
  EXPECT_EQ(d.goroutines[1].wait_minutes, 2);
  EXPECT_EQ(d.goroutines[1].frames[2].function, "runtime.goexit");
  EXPECT_EQ(d.goroutines[1].frames[2].args, "{}");
}

TEST(GoroutineTextReader, PanicPreambleAndOtherThread) {
  auto d = read(
      "panic: boom [recovered]\n"
      "\tpanic: boom\n"
      "\n"
      "goroutine 1 [running]:\n"
      "panic({0x4a0ea0?, 0x4e4c68?})\n"
      "\t/go/src/runtime/panic.go:770 +0x132\n"
      "main.main()\n"
      "\t/src/main.go:5 +0x25\n"
      "\n"
      "goroutine 9 [running]:\n"
      "\tgoroutine running on other thread; stack unavailable\n"
      "created by main.main in goroutine 1\n"
      "\t/src/main.go:4 +0x1a\n"
      "exit status 2\n");
  EXPECT_EQ(d.reason, "panic: boom [recovered]");
  ASSERT_EQ(d.goroutines.size(), 2u);
  EXPECT_EQ(d.goroutines[0].frames[0].function, "panic");
  EXPECT_TRUE(d.goroutines[1].frames.empty());
  EXPECT_EQ(d.goroutines[1].created_by->creator_goid, 1u);
}

TEST(GoroutineTextReader, LabelsAndBubbleInHeaderAndGenerics) {
  auto d = read(
      "goroutine 33 [sync.WaitGroup.Wait, 61 minutes, synctest bubble 3 labels:{\"worker\": "
      "\"a b\", \"tenant\": \"x\\\"y]\"}]:\n"
      "main.Map[...](0xc0000a0000)\n"
      "\t/src/generic.go:12 +0x5b\n"
      "created by main.spawn[go.shape.int] in goroutine 1\n"
      "\t/src/generic.go:30 +0x7f\n"
      "\n"
      "goroutine 34 gp=0xc000123000 m=3 mp=0xc000080008 [running, locked to thread] {k: v}:\n"
      "main.hot()\n"
      "\t/src/hot.go:1 +0x1\n");
  ASSERT_EQ(d.goroutines.size(), 2u);
  const auto& g = d.goroutines[0];
  EXPECT_EQ(g.state, "sync.WaitGroup.Wait");
  EXPECT_EQ(g.wait_minutes, 61);
  ASSERT_EQ(g.labels.size(), 2u);
  EXPECT_EQ(g.labels[0].key, "worker");
  EXPECT_EQ(g.labels[0].value, "a b");
  EXPECT_EQ(g.labels[1].value, "x\"y]");
  EXPECT_EQ(g.frames[0].function, "main.Map[...]");
  EXPECT_EQ(g.created_by->function, "main.spawn[go.shape.int]");
  ASSERT_EQ(d.goroutines[1].labels.size(), 1u);
  EXPECT_EQ(d.goroutines[1].labels[0].key, "k");
  EXPECT_EQ(d.goroutines[1].labels[0].value, "v");
  EXPECT_TRUE(d.goroutines[1].locked_to_thread);
}

TEST(GoroutineTextReader, CrlfLineEnds) {
  auto d = read("goroutine 4 [chan send]:\r\nmain.f()\r\n\t/src/f.go:3 +0x9\r\n\r\n");
  ASSERT_EQ(d.goroutines.size(), 1u);
  EXPECT_EQ(d.goroutines[0].frames[0].line, 3);
  EXPECT_EQ(d.goroutines[0].frames[0].file, "/src/f.go");
}

TEST(GoroutineTextReader, Debug1RecordsLabelsAndHiddenFrames) {
  auto d = read(
      "goroutine profile: total 12\n"
      "7 @ 0x46df2e 0x4068dc 0x4064b2 0x52136d 0x475861\n"
      "#\t0x52136c\tmain.leakRecv+0x2c\t/src/main.go:80\n"
      "\n"
      "3 @ 0x46df2e 0x4068dc 0x5214ed 0x51664c 0x475861\n"
      "# labels: {\"worker\":\"leakseek\"}\n"
      "#\t0x5214ec\tmain.labelled+0x2c\t\t/src/main.go:107\n"
      "#\t0x51664b\truntime/pprof.Do+0x8b\t\t/go/src/runtime/pprof/runtime.go:51\n"
      "\n"
      "2 @ 0x46df2e 0x44e0a5 0x46f3c5 0x5214a5 0x475861\n"
      "#\t0x46f3c4\tsync.runtime_SemacquireMutex+0x24\t/go/src/runtime/sema.go:95\n"
      "#\t0x5214a4\tmain.lock+0x44\t\t\t/src/main.go:92\n");
  EXPECT_EQ(d.form, DumpForm::debug1);
  EXPECT_EQ(d.total, 12u);
  ASSERT_EQ(d.goroutines.size(), 3u);
  EXPECT_EQ(d.goroutines[0].count, 7u);
  EXPECT_TRUE(d.goroutines[0].runtime_frames_hidden);
  EXPECT_EQ(d.goroutines[0].state, "waiting");
  EXPECT_TRUE(d.goroutines[0].state_inferred);
  EXPECT_EQ(d.goroutines[0].frames[0].pc_offset, 0x2cu);
  ASSERT_EQ(d.goroutines[1].labels.size(), 1u);
  EXPECT_EQ(d.goroutines[1].labels[0].value, "leakseek");
  EXPECT_EQ(d.goroutines[1].frames[1].function, "runtime/pprof.Do");
  EXPECT_EQ(d.goroutines[1].frames[1].line, 51);
  EXPECT_EQ(d.goroutines[2].state, "semacquire");
  EXPECT_FALSE(d.goroutines[0].id.has_value());
}

TEST(GoroutineTextReader, ErrorsNameTheLineOffset) {
  EXPECT_EQ(error_of(""), "offset 0: empty file: not a goroutine dump");
  EXPECT_EQ(error_of("hello\nworld\n"),
            "offset 0: not a goroutine dump: no \"goroutine N [state]:\" line");
  // Offsets below are where the offending line starts.
  EXPECT_EQ(error_of("goroutine 1 [running]:\nmain.main()\nmain.x()\n"),
            "offset 35: expected \"\\tfile:line\" after the function line");
  EXPECT_EQ(error_of("goroutine 1 [running]:\nmain.main()\n\t/src/m.go:x\n"),
            "offset 35: malformed \"\\tfile:line +0xoff\" line");
  EXPECT_EQ(error_of("goroutine 1 [running]:\n\t/src/m.go:3\n"),
            "offset 23: \"\\tfile:line\" line without a function line before it");
  EXPECT_EQ(error_of("goroutine 1 [running]:\nnot a frame\n"),
            "offset 23: expected a frame \"function(args)\"");
  EXPECT_EQ(error_of("goroutine 1 [running]:\nmain.main()\n"),
            "offset 35: goroutine block ends where a \"\\tfile:line\" line was expected");
  EXPECT_EQ(error_of("goroutine 1 [running:\nmain.main()\n"),
            "offset 0: malformed goroutine header");
  EXPECT_EQ(error_of("goroutine 2 [x] {bad:\n"), "offset 0: malformed goroutine header");
  EXPECT_EQ(error_of("goroutine 2 [x] {\"a\" \"b\"}:\n"),
            "offset 0: malformed labels in goroutine header");
  EXPECT_EQ(error_of("goroutine 1 [x]:\nmain.f()\n\t/a.go:1 +0x1\ncreated by a b c\n"),
            "offset 40: malformed \"created by\" line");
  EXPECT_EQ(error_of("goroutine profile: total 1\n1 @ 0x1 zz\n"),
            "offset 27: malformed PC in \"COUNT @ PC...\"");
  EXPECT_EQ(error_of("goroutine profile: total x\n"),
            "offset 0: malformed total in \"goroutine profile: total N\"");
  EXPECT_EQ(error_of("goroutine profile: total 1\n1 @ 0x1\nmain.f\n"),
            "offset 35: expected \"#\\tPC\\tfunction+off\\tfile:line\"");
  EXPECT_EQ(error_of("goroutine profile: total 1\n1 @ 0x1\n#\t0x1\tmain.f\t/a.go:1\n"),
            "offset 35: expected \"function+0xoff\"");
}

TEST(GoroutineTextReader, BinaryInputGoesToThePprofReader) {
  std::string truncated_gzip("\x1f\x8b\x08\x00\x00\x00", 6);
  auto e = error_of(truncated_gzip);
  EXPECT_NE(e.find("gzip"), std::string::npos) << e;
  std::string raw("\x0a\x05\x08\x01\x10\x02", 6);  // a sample type with string indexes 1 and 2
  e = error_of(raw);
  EXPECT_FALSE(e.empty());
}

}  // namespace
}  // namespace leakseek
