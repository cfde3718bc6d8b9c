// Bad input must give one InputError naming the offset, never a crash or a hang.
#include <gtest/gtest.h>

#include "format/heapdump_reader.h"
#include "heap/heap_loader.h"
#include "support/dump_bytes.h"
#include "support/fixtures.h"
#include "util/input_error.h"

namespace leakseek {
namespace {

using test::DumpBytes;

struct Failure {
  uint64_t offset;
  std::string what;
};

Failure load_failure(const std::string& bytes) {
  auto path = test::write_temp(bytes);
  try {
    heap::load_heap_dump(path);
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), path);
    return {e.offset().value_or(UINT64_MAX), e.what()};
  }
  ADD_FAILURE() << "no error for crafted input";
  return {};
}

TEST(HeapDumpReaderErrors, WrongHeader) {
  auto f = load_failure("go1.3 heap dump\n");
  EXPECT_EQ(f.offset, 0u);
  EXPECT_NE(f.what.find("not a Go heap dump"), std::string::npos);
}

TEST(HeapDumpReaderErrors, EmptyFile) {
  EXPECT_EQ(load_failure("").offset, 0u);
}

TEST(HeapDumpReaderErrors, UnknownTag) {
  DumpBytes d;
  d.header().params();
  size_t at = d.size();
  d.uv(42);
  auto f = load_failure(d.str());
  EXPECT_EQ(f.offset, at);
  EXPECT_NE(f.what.find("unknown record tag 42"), std::string::npos);
}

TEST(HeapDumpReaderErrors, MissingEof) {
  DumpBytes d;
  d.header().params();
  auto f = load_failure(d.str());
  EXPECT_EQ(f.offset, d.size());
  EXPECT_NE(f.what.find("no EOF"), std::string::npos);
}

TEST(HeapDumpReaderErrors, TruncatedRecord) {
  DumpBytes d;
  d.header().params().object(0xc000010000, {1, 2}, {});
  std::string bytes = d.str().substr(0, d.size() - 5);
  auto f = load_failure(bytes);
  EXPECT_NE(f.what.find("past end"), std::string::npos) << f.what;
}

TEST(HeapDumpReaderErrors, VarintOverflow) {
  DumpBytes d;
  d.header().params().uv(1);
  size_t at = d.size();
  d.raw(std::string(10, '\xff')).raw("\x01");
  auto f = load_failure(d.str());
  EXPECT_EQ(f.offset, at);
  EXPECT_NE(f.what.find("varint overflow"), std::string::npos);
}

TEST(HeapDumpReaderErrors, LengthPastEnd) {
  DumpBytes d;
  d.header().params().uv(1).uv(0xc000010000);
  size_t at = d.size();
  d.uv(uint64_t{1} << 40);
  auto f = load_failure(d.str());
  EXPECT_EQ(f.offset, at);
  EXPECT_NE(f.what.find("runs past end of file"), std::string::npos);
}

TEST(HeapDumpReaderErrors, PointerFieldOutsideObject) {
  DumpBytes d;
  d.header().params().object(0xc000010000, {0, 0}, {16}).eof();
  auto f = load_failure(d.str());
  EXPECT_NE(f.what.find("outside object of 16 bytes"), std::string::npos) << f.what;
}

TEST(HeapDumpReaderErrors, UnknownFieldKind) {
  DumpBytes d;
  d.header().params().uv(1).uv(0xc000010000).uv(8).word(0).uv(7).uv(0).uv(0).eof();
  EXPECT_NE(load_failure(d.str()).what.find("unknown field kind 7"), std::string::npos);
}

TEST(HeapDumpReaderErrors, OverlappingObjects) {
  DumpBytes d;
  d.header().params().object(0xc000010000, {0, 0}, {}).object(0xc000010008, {0}, {}).eof();
  EXPECT_NE(load_failure(d.str()).what.find("overlaps"), std::string::npos);
}

TEST(HeapDumpReaderErrors, BadPointerSize) {
  DumpBytes d;
  d.header().uv(6).uv(0).uv(3);
  EXPECT_NE(load_failure(d.str()).what.find("pointer size 3"), std::string::npos);
}

TEST(HeapDumpReader, CraftedGraphResolvesInteriorPointers) {
  // bss -> A; A+0 -> B+8 (interior); B+0 -> A (cycle); C is garbage.
  DumpBytes d;
  d.header().params();
  d.object(0xc000020000, {0xc000010000, 0}, {0});  // B
  d.object(0xc000010000, {0xc000020008, 7}, {0});  // A
  d.object(0xc000030000, {0xc000010000}, {0});     // C
  d.bss(0x600000, {0xc000010010 - 0x10}, {0});
  d.eof();
  auto m = heap::load_heap_dump(test::write_temp(d.str()));
  ASSERT_EQ(m.object_count(), 3u);
  EXPECT_EQ(m.object_addr[0], 0xc000010000u);  // sorted by address
  EXPECT_EQ(m.find(0xc00002000f), 1u);
  EXPECT_EQ(m.find(0xc000020010), heap::kNoObject);
  ASSERT_EQ(m.children(0).size(), 1u);
  EXPECT_EQ(m.children(0)[0], 1u);
  ASSERT_EQ(m.roots.size(), 1u);
  EXPECT_EQ(m.roots[0].kind, heap::RootKind::kBss);
  EXPECT_EQ(m.roots[0].target, 0u);
}

}  // namespace
}  // namespace leakseek
