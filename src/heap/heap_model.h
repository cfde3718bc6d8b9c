#pragma once
// The in-memory model of a Go heap dump: objects in address order with their pointer graph in
// CSR form (every pointer resolved to the object that contains its target), the roots, and the
// runtime's side tables. Built once by load_heap_dump(); read-only afterwards.
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "format/heapdump_reader.h"
#include "util/huge_page_allocator.h"
#include "util/mapped_file.h"

namespace leakseek::heap {

using ObjectId = uint32_t;
inline constexpr ObjectId kNoObject = UINT32_MAX;

enum class RootKind : uint8_t {
  kData,               // pointer word in the data segment
  kBss,                // pointer word in the bss segment
  kStackFrame,         // pointer word in a goroutine's stack frame
  kGoroutineContext,   // a goroutine's closure context (g.sched.ctxt)
  kDefer,              // a defer record or its function
  kPanic,              // a panic's argument
  kFinalizerFunction,  // a registered finalizer's closure
  kFinalizerReferent,  // what an object with a registered finalizer points to
  kQueuedObject,       // an object in the finalizer queue
  kQueuedFunction,     // a queued finalizer's closure
  kOther,              // tag 2, never written by current Go but part of the format
};
inline constexpr int kRootKindCount = 11;
std::string_view root_kind_name(RootKind kind);

struct Root {
  RootKind kind;
  ObjectId target;
  // Which record holds the pointer: index into segments, frames, goroutines, defers, panics,
  // finalizers or queued_finalizers (by kind).
  uint32_t source;
  // Byte offset of the pointer word inside the source block (segments, frames); for finalizer
  // referents, the offset inside the finalized object.
  uint64_t offset;
};

struct Segment {
  bool bss = false;
  uint64_t addr = 0;
  uint64_t size = 0;
  uint64_t contents_offset = 0;
  std::vector<uint64_t> pointer_offsets;
};

struct Goroutine {
  format::GoroutineRecord record;
  uint32_t first_frame = 0;  // frames[first_frame, first_frame + frame_count)
  uint32_t frame_count = 0;
};

struct Frame {
  uint64_t sp = 0;
  uint64_t depth = 0;
  uint64_t child_sp = 0;
  uint64_t size = 0;
  uint64_t contents_offset = 0;
  uint64_t entry = 0;
  uint64_t pc = 0;
  uint64_t continpc = 0;
  std::string_view function;
  uint32_t goroutine = UINT32_MAX;  // index into goroutines; UINT32_MAX if none preceded it
  std::vector<uint64_t> pointer_offsets;

  // The pc the frame is at, for looking up what the code knows there: a caller's pc is its
  // return address, just past the call, so the call itself is at pc - 1 (as the runtime does).
  uint64_t lookup_pc() const { return pc != entry && pc != 0 ? pc - 1 : pc; }
  // Its top, the canonical frame address: the caller's stack pointer before the call.
  uint64_t cfa() const { return sp + size; }
};

struct MemProfBucket {
  uint64_t id = 0;
  uint64_t size = 0;
  std::vector<format::MemProfFrame> frames;  // leaf first
  uint64_t allocs = 0;
  uint64_t frees = 0;
};

struct AllocSample {
  uint64_t addr = 0;
  uint64_t bucket = 0;
  ObjectId object = kNoObject;
};

struct HeapModel {
  std::shared_ptr<const MappedFile> file;
  std::optional<format::ParamsRecord> params;
  std::optional<format::MemStatsRecord> mem_stats;
  format::RecordCounts record_counts{};

  // Objects, sorted by address, never overlapping.
  BigVector<uint64_t> object_addr;
  // Sizes fit 32 bits except for giant objects (kHugeSize), whose sizes live in huge_sizes.
  BigVector<uint32_t> object_size32;
  std::unordered_map<ObjectId, uint64_t> huge_sizes;
  static constexpr uint32_t kHugeSize = UINT32_MAX;
  BigVector<uint64_t> object_contents;  // file offset of the contents; the field list follows
  // Outgoing edges: targets of object i are edge_target[edge_begin[i] .. edge_begin[i+1]).
  // One edge per pointer word that points into another object (duplicates kept: each is a
  // distinct field).
  BigVector<uint64_t> edge_begin;
  BigVector<ObjectId> edge_target;
  uint64_t object_bytes = 0;

  std::vector<Root> roots;
  std::vector<Segment> segments;
  std::vector<Goroutine> goroutines;
  std::vector<Frame> frames;
  std::vector<format::FinalizerRecord> finalizers;
  std::vector<format::FinalizerRecord> queued_finalizers;
  std::vector<format::TypeRecord> types;
  std::vector<format::ItabRecord> itabs;
  std::vector<format::OsThreadRecord> threads;
  std::vector<format::DeferRecord> defers;
  std::vector<format::PanicRecord> panics;
  std::vector<format::OtherRootRecord> other_roots;
  std::vector<MemProfBucket> buckets;
  std::vector<AllocSample> alloc_samples;

  size_t object_count() const { return object_addr.size(); }
  uint64_t size(ObjectId id) const {
    uint32_t s = object_size32[id];
    return s == kHugeSize ? huge_sizes.at(id) : s;
  }
  uint64_t ptr_size() const { return params ? params->ptr_size : 8; }
  std::string_view go_version() const { return params ? params->go_version : std::string_view(); }
  const std::string& path() const { return file->path(); }

  std::span<const ObjectId> children(ObjectId id) const {
    return {edge_target.data() + edge_begin[id], edge_target.data() + edge_begin[id + 1]};
  }
  std::span<const uint8_t> contents(ObjectId id) const {
    return {file->data() + object_contents[id], size(id)};
  }
  // Reads the pointer-sized word at `offset` inside a block copied into the file.
  uint64_t word_at(uint64_t contents_offset, uint64_t offset) const {
    const uint8_t* p = file->data() + contents_offset + offset;
    const unsigned n = static_cast<unsigned>(ptr_size());
    const bool big = params && params->big_endian;
    if (n == 8 && !big && std::endian::native == std::endian::little) {
      uint64_t w;  // the common case, and hot: typing reads every pointer word of the heap
      std::memcpy(&w, p, sizeof w);
      return w;
    }
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++) v = (v << 8) | p[big ? i : n - 1 - i];
    return v;
  }
  // Pointer offsets of object `id`, decoded again from the dump on demand.
  std::vector<uint64_t> pointer_offsets(ObjectId id) const;

  // The object whose [addr, addr + size) contains `addr`, or kNoObject.
  ObjectId find(uint64_t addr) const;

  // Address lookup index: page_first_[p] = first object with addr >= page_base + (p << kPageShift).
  static constexpr unsigned kPageShift = 13;
  uint64_t page_base_ = 0;
  std::vector<ObjectId> page_first_;
};

}  // namespace leakseek::heap
