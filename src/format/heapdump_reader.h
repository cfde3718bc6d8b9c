#pragma once
// Streams the records of a Go heap dump, in file order, to a visitor. One pass, no copies: the
// records hold views into the mapped file. Bad input throws InputError with the record's offset.
#include <array>
#include <cstdint>
#include <functional>
#include <memory>

#include "format/heapdump_records.h"
#include "util/mapped_file.h"

namespace leakseek::format {

inline constexpr std::string_view kHeapDumpHeader = "go1.7 heap dump\n";

class HeapDumpVisitor {
 public:
  virtual ~HeapDumpVisitor() = default;
  // `offset` is where the record's tag starts in the file.
  virtual void on_object(const ObjectRecord&, uint64_t /*offset*/) {}
  virtual void on_other_root(const OtherRootRecord&, uint64_t) {}
  virtual void on_type(const TypeRecord&, uint64_t) {}
  virtual void on_goroutine(const GoroutineRecord&, uint64_t) {}
  virtual void on_stack_frame(const StackFrameRecord&, uint64_t) {}
  virtual void on_params(const ParamsRecord&, uint64_t) {}
  virtual void on_finalizer(const FinalizerRecord&, bool /*queued*/, uint64_t) {}
  virtual void on_itab(const ItabRecord&, uint64_t) {}
  virtual void on_os_thread(const OsThreadRecord&, uint64_t) {}
  virtual void on_mem_stats(const MemStatsRecord&, uint64_t) {}
  virtual void on_segment(const MemoryBlock&, bool /*bss*/, uint64_t) {}
  virtual void on_defer(const DeferRecord&, uint64_t) {}
  virtual void on_panic(const PanicRecord&, uint64_t) {}
  virtual void on_mem_prof(const MemProfRecord&, uint64_t) {}
  virtual void on_alloc_sample(const AllocSampleRecord&, uint64_t) {}
  virtual void on_eof(uint64_t) {}
};

struct ReadOptions {
  // Give back resident pages behind the read position, so reading a dump larger than memory
  // keeps a small footprint. Views into released pages still work (they fault back in).
  bool release_pages = true;
  // Called now and then with the byte offset reached, for progress display.
  std::function<void(uint64_t done, uint64_t total)> progress;
};

// Reads the whole dump. Throws InputError on a bad header, unknown tag, truncated record,
// varint overflow, length past the end, a pointer field outside its block, or missing EOF.
// Returns how many records of each tag it read.
using RecordCounts = std::array<uint64_t, kHeapDumpTagCount>;
RecordCounts read_heap_dump(const MappedFile& file, HeapDumpVisitor& visitor,
                            const ReadOptions& options = {});

}  // namespace leakseek::format
