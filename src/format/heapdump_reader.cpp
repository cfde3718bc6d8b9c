#include "format/heapdump_reader.h"

#include <string>
#include <vector>

#include "format/byte_cursor.h"

namespace leakseek::format {

std::string_view tag_name(HeapDumpTag tag) {
  static constexpr std::string_view kNames[kHeapDumpTagCount] = {
      "eof",    "object",    "other root", "type",      "goroutine",      "stack frame",
      "params", "finalizer", "itab",       "os thread", "memstats",       "queued finalizer",
      "data",   "bss",       "defer",      "panic",     "memprof bucket", "alloc sample"};
  auto i = static_cast<size_t>(tag);
  return i < kHeapDumpTagCount ? kNames[i] : "unknown";
}

namespace {

constexpr uint64_t kReleaseChunk = 64 << 20;

class Reader {
 public:
  Reader(const MappedFile& file, HeapDumpVisitor& visitor, const ReadOptions& options)
      : file_(file), visitor_(visitor), options_(options), in_(file.bytes(), file.path()) {}

  void run() {
    if (!in_.starts_with(kHeapDumpHeader)) {
      in_.fail(0, "not a Go heap dump: header is not \"go1.7 heap dump\\n\"");
    }
    in_.skip(kHeapDumpHeader.size());
    uint64_t released = 0;
    uint64_t next_progress = kReleaseChunk;
    for (;;) {
      uint64_t at = in_.pos();
      if (in_.at_end()) in_.fail(at, "truncated dump: no EOF record");
      uint64_t tag = in_.uvarint("record tag");
      if (tag == 0) {
        counts_[0]++;
        visitor_.on_eof(at);
        break;
      }
      if (tag >= kHeapDumpTagCount) in_.fail(at, "unknown record tag " + std::to_string(tag));
      read_record(static_cast<HeapDumpTag>(tag), at);
      counts_[tag]++;
      if (in_.pos() >= next_progress) {
        next_progress = in_.pos() + kReleaseChunk;
        if (options_.release_pages) {
          file_.release(released, at);
          released = at;
        }
        if (options_.progress) options_.progress(in_.pos(), file_.size());
      }
    }
    if (options_.progress) options_.progress(file_.size(), file_.size());
  }

  const RecordCounts& counts() const { return counts_; }

 private:
  void read_record(HeapDumpTag tag, uint64_t at) {
    switch (tag) {
      case HeapDumpTag::kObject: {
        ObjectRecord r;
        read_block(r.block, "object");
        visitor_.on_object(r, at);
        break;
      }
      case HeapDumpTag::kOtherRoot: {
        OtherRootRecord r;
        r.description = in_.string("root description");
        r.to = in_.uvarint("root pointer");
        visitor_.on_other_root(r, at);
        break;
      }
      case HeapDumpTag::kType: {
        TypeRecord r;
        r.addr = in_.uvarint("type address");
        r.size = in_.uvarint("type size");
        r.name = in_.string("type name");
        r.indirect = in_.boolean("type indirect flag");
        visitor_.on_type(r, at);
        break;
      }
      case HeapDumpTag::kGoroutine: {
        GoroutineRecord r;
        r.addr = in_.uvarint("goroutine address");
        r.sp = in_.uvarint("goroutine sp");
        r.goid = in_.uvarint("goroutine id");
        r.gopc = in_.uvarint("goroutine gopc");
        r.status = in_.uvarint("goroutine status");
        r.is_system = in_.boolean("goroutine is_system");
        r.is_background = in_.boolean("goroutine is_background");
        r.wait_since = in_.uvarint("goroutine waitsince");
        r.wait_reason = in_.string("goroutine wait reason");
        r.ctxt = in_.uvarint("goroutine ctxt");
        r.m = in_.uvarint("goroutine m");
        r.defer_addr = in_.uvarint("goroutine defer");
        r.panic_addr = in_.uvarint("goroutine panic");
        visitor_.on_goroutine(r, at);
        break;
      }
      case HeapDumpTag::kStackFrame: {
        StackFrameRecord r;
        r.block.addr = in_.uvarint("frame sp");
        r.depth = in_.uvarint("frame depth");
        r.child_sp = in_.uvarint("frame child sp");
        r.block.contents = in_.bytes("frame contents", &r.block.contents_offset);
        r.entry = in_.uvarint("frame entry pc");
        r.pc = in_.uvarint("frame pc");
        r.continpc = in_.uvarint("frame continuation pc");
        r.function = in_.string("frame function name");
        r.block.pointer_offsets = read_fields(r.block.contents.size(), "stack frame");
        visitor_.on_stack_frame(r, at);
        break;
      }
      case HeapDumpTag::kParams: {
        ParamsRecord r;
        r.big_endian = in_.boolean("params big_endian");
        uint64_t ptr_at = in_.pos();
        r.ptr_size = in_.uvarint("params pointer size");
        if (r.ptr_size != 4 && r.ptr_size != 8) {
          in_.fail(ptr_at, "unsupported pointer size " + std::to_string(r.ptr_size));
        }
        ptr_size_ = r.ptr_size;
        r.heap_start = in_.uvarint("params heap start");
        r.heap_end = in_.uvarint("params heap end");
        r.arch = in_.string("params GOARCH");
        r.go_version = in_.string("params Go version");
        r.ncpu = in_.uvarint("params ncpu");
        visitor_.on_params(r, at);
        break;
      }
      case HeapDumpTag::kFinalizer:
      case HeapDumpTag::kQueuedFinalizer: {
        FinalizerRecord r;
        r.object = in_.uvarint("finalizer object");
        r.fn = in_.uvarint("finalizer fn");
        r.fn_code = in_.uvarint("finalizer fn code");
        r.fint = in_.uvarint("finalizer fint");
        r.ot = in_.uvarint("finalizer ot");
        visitor_.on_finalizer(r, tag == HeapDumpTag::kQueuedFinalizer, at);
        break;
      }
      case HeapDumpTag::kItab: {
        ItabRecord r;
        r.addr = in_.uvarint("itab address");
        r.type = in_.uvarint("itab type");
        visitor_.on_itab(r, at);
        break;
      }
      case HeapDumpTag::kOsThread: {
        OsThreadRecord r;
        r.m = in_.uvarint("thread m");
        r.id = in_.uvarint("thread id");
        r.procid = in_.uvarint("thread procid");
        visitor_.on_os_thread(r, at);
        break;
      }
      case HeapDumpTag::kMemStats: {
        MemStatsRecord r;
        for (auto& f : r.fields) f = in_.uvarint("memstats field");
        for (auto& p : r.pause_ns) p = in_.uvarint("memstats PauseNs");
        r.num_gc = in_.uvarint("memstats NumGC");
        visitor_.on_mem_stats(r, at);
        break;
      }
      case HeapDumpTag::kData:
      case HeapDumpTag::kBss: {
        MemoryBlock b;
        read_block(b, tag == HeapDumpTag::kData ? "data segment" : "bss segment");
        visitor_.on_segment(b, tag == HeapDumpTag::kBss, at);
        break;
      }
      case HeapDumpTag::kDefer: {
        DeferRecord r;
        r.addr = in_.uvarint("defer address");
        r.goroutine = in_.uvarint("defer goroutine");
        r.sp = in_.uvarint("defer sp");
        r.pc = in_.uvarint("defer pc");
        r.fn = in_.uvarint("defer fn");
        r.fn_code = in_.uvarint("defer fn code");
        r.link = in_.uvarint("defer link");
        visitor_.on_defer(r, at);
        break;
      }
      case HeapDumpTag::kPanic: {
        PanicRecord r;
        r.addr = in_.uvarint("panic address");
        r.goroutine = in_.uvarint("panic goroutine");
        r.arg_type = in_.uvarint("panic arg type");
        r.arg_data = in_.uvarint("panic arg data");
        r.defer_addr = in_.uvarint("panic defer");
        r.link = in_.uvarint("panic link");
        visitor_.on_panic(r, at);
        break;
      }
      case HeapDumpTag::kMemProf: {
        MemProfRecord r;
        r.bucket = in_.uvarint("memprof bucket");
        r.size = in_.uvarint("memprof size");
        uint64_t nstk = in_.uvarint("memprof stack depth");
        frames_.clear();
        // No reserve(nstk): the count is untrusted; each frame consumes input, which bounds it.
        for (uint64_t i = 0; i < nstk; i++) {
          MemProfFrame f;
          f.function = in_.string("memprof function");
          f.file = in_.string("memprof file");
          f.line = in_.uvarint("memprof line");
          frames_.push_back(f);
        }
        r.frames = frames_;
        r.allocs = in_.uvarint("memprof allocs");
        r.frees = in_.uvarint("memprof frees");
        visitor_.on_mem_prof(r, at);
        break;
      }
      case HeapDumpTag::kAllocSample: {
        AllocSampleRecord r;
        r.object = in_.uvarint("alloc sample object");
        r.bucket = in_.uvarint("alloc sample bucket");
        visitor_.on_alloc_sample(r, at);
        break;
      }
      case HeapDumpTag::kEof:
        break;
    }
  }

  void read_block(MemoryBlock& b, const char* what) {
    b.addr = in_.uvarint("address");
    b.contents = in_.bytes("contents", &b.contents_offset);
    b.pointer_offsets = read_fields(b.contents.size(), what);
  }

  // A field list: (kind, offset) pairs ended by kind 0. Only kind 1 (pointer) has been written
  // since the go1.7 format; every offset must name a whole word inside the block.
  std::span<const uint64_t> read_fields(uint64_t block_size, const char* what) {
    fields_.clear();
    for (;;) {
      uint64_t at = in_.pos();
      uint64_t kind = in_.uvarint("field kind");
      if (kind == 0) break;
      if (kind != 1)
        in_.fail(at, std::string("unknown field kind ") + std::to_string(kind) + " in " + what);
      uint64_t off_at = in_.pos();
      uint64_t off = in_.uvarint("field offset");
      if (off > block_size || block_size - off < ptr_size_) {
        in_.fail(off_at, std::string("pointer field at offset ") + std::to_string(off) +
                             " outside " + what + " of " + std::to_string(block_size) + " bytes");
      }
      fields_.push_back(off);
    }
    return fields_;
  }

  const MappedFile& file_;
  HeapDumpVisitor& visitor_;
  const ReadOptions& options_;
  ByteCursor in_;
  uint64_t ptr_size_ = 8;
  std::vector<uint64_t> fields_;
  std::vector<MemProfFrame> frames_;
  RecordCounts counts_{};
};

}  // namespace

RecordCounts read_heap_dump(const MappedFile& file, HeapDumpVisitor& visitor,
                            const ReadOptions& options) {
  Reader reader(file, visitor, options);
  reader.run();
  return reader.counts();
}

}  // namespace leakseek::format
