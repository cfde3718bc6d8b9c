#pragma once
// Writes every heap dump record as it is read, one line each: readable text, or one JSON object
// per line (--json). Streaming: nothing is kept.
#include <cstdio>

#include "format/heapdump_reader.h"

namespace leakseek::report {

class RecordPrinter : public format::HeapDumpVisitor {
 public:
  RecordPrinter(std::FILE* out, bool json) : out_(out), json_(json) {}

  void on_object(const format::ObjectRecord& r, uint64_t at) override;
  void on_other_root(const format::OtherRootRecord& r, uint64_t at) override;
  void on_type(const format::TypeRecord& r, uint64_t at) override;
  void on_goroutine(const format::GoroutineRecord& r, uint64_t at) override;
  void on_stack_frame(const format::StackFrameRecord& r, uint64_t at) override;
  void on_params(const format::ParamsRecord& r, uint64_t at) override;
  void on_finalizer(const format::FinalizerRecord& r, bool queued, uint64_t at) override;
  void on_itab(const format::ItabRecord& r, uint64_t at) override;
  void on_os_thread(const format::OsThreadRecord& r, uint64_t at) override;
  void on_mem_stats(const format::MemStatsRecord& r, uint64_t at) override;
  void on_segment(const format::MemoryBlock& b, bool bss, uint64_t at) override;
  void on_defer(const format::DeferRecord& r, uint64_t at) override;
  void on_panic(const format::PanicRecord& r, uint64_t at) override;
  void on_mem_prof(const format::MemProfRecord& r, uint64_t at) override;
  void on_alloc_sample(const format::AllocSampleRecord& r, uint64_t at) override;
  void on_eof(uint64_t at) override;

 private:
  std::FILE* out_;
  bool json_;
};

}  // namespace leakseek::report
