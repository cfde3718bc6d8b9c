#pragma once
// The records of a Go heap dump (runtime/heapdump.go, "go1.7 heap dump" format), as views into
// the file. Views stay valid as long as the MappedFile that produced them.
#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace leakseek::format {

enum class HeapDumpTag : uint8_t {
  kEof = 0,
  kObject = 1,
  kOtherRoot = 2,
  kType = 3,
  kGoroutine = 4,
  kStackFrame = 5,
  kParams = 6,
  kFinalizer = 7,
  kItab = 8,
  kOsThread = 9,
  kMemStats = 10,
  kQueuedFinalizer = 11,
  kData = 12,
  kBss = 13,
  kDefer = 14,
  kPanic = 15,
  kMemProf = 16,
  kAllocSample = 17,
};
inline constexpr int kHeapDumpTagCount = 18;
std::string_view tag_name(HeapDumpTag tag);

// A block of memory copied into the dump (object, frame, data/bss) and the offsets of its
// pointer-holding words, relative to the block's start.
struct MemoryBlock {
  uint64_t addr = 0;
  uint64_t contents_offset = 0;  // where the bytes start in the file
  std::span<const uint8_t> contents;
  std::span<const uint64_t> pointer_offsets;
};

struct ObjectRecord {
  MemoryBlock block;
};

struct OtherRootRecord {
  std::string_view description;
  uint64_t to = 0;
};

struct TypeRecord {
  uint64_t addr = 0;
  uint64_t size = 0;
  std::string_view name;
  bool indirect = false;  // values of this type are stored as pointers in interfaces
};

struct GoroutineRecord {
  uint64_t addr = 0;
  uint64_t sp = 0;
  uint64_t goid = 0;
  uint64_t gopc = 0;
  uint64_t status = 0;
  bool is_system = false;
  bool is_background = false;
  uint64_t wait_since = 0;
  std::string_view wait_reason;
  uint64_t ctxt = 0;
  uint64_t m = 0;
  uint64_t defer_addr = 0;
  uint64_t panic_addr = 0;
};

struct StackFrameRecord {
  MemoryBlock block;  // block.addr is the frame's sp
  uint64_t depth = 0;
  uint64_t child_sp = 0;
  uint64_t entry = 0;
  uint64_t pc = 0;
  uint64_t continpc = 0;
  std::string_view function;
};

struct ParamsRecord {
  bool big_endian = false;
  uint64_t ptr_size = 8;
  uint64_t heap_start = 0;
  uint64_t heap_end = 0;
  std::string_view arch;
  std::string_view go_version;
  uint64_t ncpu = 0;
};

// Registered (tag 7) and queued (tag 11) finalizers share a layout.
struct FinalizerRecord {
  uint64_t object = 0;
  uint64_t fn = 0;       // the *funcval (closure)
  uint64_t fn_code = 0;  // its code pointer
  uint64_t fint = 0;     // type of the finalizer's argument
  uint64_t ot = 0;       // pointer type of the object
};

struct ItabRecord {
  uint64_t addr = 0;
  uint64_t type = 0;
};

struct OsThreadRecord {
  uint64_t m = 0;
  uint64_t id = 0;
  uint64_t procid = 0;
};

// runtime.MemStats in the order heapdump.go writes it.
struct MemStatsRecord {
  static constexpr int kFields = 24;
  static constexpr std::array<std::string_view, kFields> kNames = {
      "Alloc",       "TotalAlloc", "Sys",        "Lookups",   "Mallocs",      "Frees",
      "HeapAlloc",   "HeapSys",    "HeapIdle",   "HeapInuse", "HeapReleased", "HeapObjects",
      "StackInuse",  "StackSys",   "MSpanInuse", "MSpanSys",  "MCacheInuse",  "MCacheSys",
      "BuckHashSys", "GCSys",      "OtherSys",   "NextGC",    "LastGC",       "PauseTotalNs"};
  std::array<uint64_t, kFields> fields{};
  std::array<uint64_t, 256> pause_ns{};
  uint64_t num_gc = 0;
};

struct DeferRecord {
  uint64_t addr = 0;
  uint64_t goroutine = 0;
  uint64_t sp = 0;
  uint64_t pc = 0;
  uint64_t fn = 0;
  uint64_t fn_code = 0;
  uint64_t link = 0;
};

struct PanicRecord {
  uint64_t addr = 0;
  uint64_t goroutine = 0;
  uint64_t arg_type = 0;
  uint64_t arg_data = 0;
  uint64_t defer_addr = 0;
  uint64_t link = 0;
};

struct MemProfFrame {
  std::string_view function;
  std::string_view file;
  uint64_t line = 0;
};

struct MemProfRecord {
  uint64_t bucket = 0;
  uint64_t size = 0;
  std::span<const MemProfFrame> frames;  // leaf first
  uint64_t allocs = 0;
  uint64_t frees = 0;
};

struct AllocSampleRecord {
  uint64_t object = 0;
  uint64_t bucket = 0;
};

}  // namespace leakseek::format
