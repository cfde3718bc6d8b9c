#include "heap/heap_loader.h"

#include <algorithm>
#include <numeric>

#include <fmt/format.h>

#include <thread>
#include <unordered_map>

#include "util/chunked_vector.h"
#include "util/input_error.h"

namespace leakseek::heap {

namespace {

// A root pointer as read, before objects are sorted and addresses can be resolved.
struct PendingRoot {
  RootKind kind;
  uint32_t source;
  uint64_t offset;
  uint64_t addr;
};

class ModelBuilder : public format::HeapDumpVisitor {
 public:
  ModelBuilder(HeapModel& m, bool release_pages) : m_(m), release_pages_(release_pages) {
    raw_edge_begin_.push_back(0);
  }

  void on_params(const format::ParamsRecord& r, uint64_t) override { m_.params = r; }

  void on_object(const format::ObjectRecord& r, uint64_t at) override {
    const auto& b = r.block;
    const uint64_t size = b.contents.size();
    if (b.addr + size < b.addr) {
      throw InputError(
          m_.path(), at,
          fmt::format("object {:#x} of {} bytes wraps around the address space", b.addr, size));
    }
    if (size >= HeapModel::kHugeSize) m_.huge_sizes[static_cast<ObjectId>(addr_.size())] = size;
    addr_.push_back(b.addr);
    size32_.push_back(static_cast<uint32_t>(std::min<uint64_t>(size, HeapModel::kHugeSize)));
    contents_.push_back(b.contents_offset);
    m_.object_bytes += size;
    for (uint64_t off : b.pointer_offsets) {
      uint64_t v = m_.word_at(b.contents_offset, off);
      if (may_point_into_heap(v)) raw_targets_.push_back(v);
    }
    raw_edge_begin_.push_back(raw_targets_.size());
  }

  void on_other_root(const format::OtherRootRecord& r, uint64_t) override {
    pending_.push_back({RootKind::kOther, static_cast<uint32_t>(m_.other_roots.size()), 0, r.to});
    m_.other_roots.push_back(r);
  }
  void on_type(const format::TypeRecord& r, uint64_t) override { m_.types.push_back(r); }

  void on_goroutine(const format::GoroutineRecord& r, uint64_t) override {
    auto idx = static_cast<uint32_t>(m_.goroutines.size());
    Goroutine g;
    g.record = r;
    g.first_frame = static_cast<uint32_t>(m_.frames.size());
    m_.goroutines.push_back(g);
    if (r.ctxt != 0) pending_.push_back({RootKind::kGoroutineContext, idx, 0, r.ctxt});
  }

  void on_stack_frame(const format::StackFrameRecord& r, uint64_t) override {
    auto idx = static_cast<uint32_t>(m_.frames.size());
    Frame f;
    f.sp = r.block.addr;
    f.depth = r.depth;
    f.child_sp = r.child_sp;
    f.size = r.block.contents.size();
    f.contents_offset = r.block.contents_offset;
    f.entry = r.entry;
    f.pc = r.pc;
    f.continpc = r.continpc;
    f.function = r.function;
    f.pointer_offsets.assign(r.block.pointer_offsets.begin(), r.block.pointer_offsets.end());
    // Frames follow the goroutine they belong to.
    if (!m_.goroutines.empty() &&
        m_.goroutines.back().first_frame + m_.goroutines.back().frame_count == idx) {
      f.goroutine = static_cast<uint32_t>(m_.goroutines.size() - 1);
      m_.goroutines.back().frame_count++;
    }
    add_block_roots(RootKind::kStackFrame, idx, r.block);
    m_.frames.push_back(std::move(f));
  }

  void on_segment(const format::MemoryBlock& b, bool bss, uint64_t) override {
    auto idx = static_cast<uint32_t>(m_.segments.size());
    Segment s;
    s.bss = bss;
    s.addr = b.addr;
    s.size = b.contents.size();
    s.contents_offset = b.contents_offset;
    s.pointer_offsets.assign(b.pointer_offsets.begin(), b.pointer_offsets.end());
    add_block_roots(bss ? RootKind::kBss : RootKind::kData, idx, b);
    m_.segments.push_back(std::move(s));
  }

  void on_finalizer(const format::FinalizerRecord& r, bool queued, uint64_t) override {
    if (queued) {
      auto idx = static_cast<uint32_t>(m_.queued_finalizers.size());
      pending_.push_back({RootKind::kQueuedObject, idx, 0, r.object});
      pending_.push_back({RootKind::kQueuedFunction, idx, 0, r.fn});
      m_.queued_finalizers.push_back(r);
    } else {
      auto idx = static_cast<uint32_t>(m_.finalizers.size());
      pending_.push_back({RootKind::kFinalizerFunction, idx, 0, r.fn});
      m_.finalizers.push_back(r);
    }
  }

  void on_itab(const format::ItabRecord& r, uint64_t) override { m_.itabs.push_back(r); }
  void on_os_thread(const format::OsThreadRecord& r, uint64_t) override { m_.threads.push_back(r); }
  void on_mem_stats(const format::MemStatsRecord& r, uint64_t) override { m_.mem_stats = r; }

  void on_defer(const format::DeferRecord& r, uint64_t) override {
    auto idx = static_cast<uint32_t>(m_.defers.size());
    pending_.push_back({RootKind::kDefer, idx, 0, r.addr});
    pending_.push_back({RootKind::kDefer, idx, 0, r.fn});
    m_.defers.push_back(r);
  }

  void on_panic(const format::PanicRecord& r, uint64_t) override {
    auto idx = static_cast<uint32_t>(m_.panics.size());
    pending_.push_back({RootKind::kPanic, idx, 0, r.addr});
    pending_.push_back({RootKind::kPanic, idx, 0, r.arg_data});
    m_.panics.push_back(r);
  }

  void on_mem_prof(const format::MemProfRecord& r, uint64_t) override {
    MemProfBucket b;
    b.id = r.bucket;
    b.size = r.size;
    b.frames.assign(r.frames.begin(), r.frames.end());
    b.allocs = r.allocs;
    b.frees = r.frees;
    m_.buckets.push_back(std::move(b));
  }

  void on_alloc_sample(const format::AllocSampleRecord& r, uint64_t) override {
    m_.alloc_samples.push_back({r.object, r.bucket, kNoObject});
  }

  void finish() {
    auto perm = address_order();
    apply_order(perm);
    build_page_index();
    build_edges(perm);
    resolve_roots();
    for (auto& s : m_.alloc_samples) s.object = m_.find(s.addr);
  }

 private:
  bool may_point_into_heap(uint64_t v) const {
    if (v == 0) return false;
    const auto& p = m_.params;
    if (p && p->heap_end > p->heap_start) return v >= p->heap_start && v < p->heap_end;
    return true;
  }

  void add_block_roots(RootKind kind, uint32_t source, const format::MemoryBlock& b) {
    for (uint64_t off : b.pointer_offsets) {
      uint64_t v = m_.word_at(b.contents_offset, off);
      if (may_point_into_heap(v)) pending_.push_back({kind, source, off, v});
    }
  }

  // Go writes objects span by span, ascending inside a span, spans in no particular order.
  // Cutting the sequence wherever the next object does not start right where the previous one
  // ends gives runs that are gap-free address intervals; sorting those intervals orders
  // everything in O(runs log runs). A full sort is the fallback for input that breaks the rule.
  BigVector<uint32_t> address_order() const {
    const size_t n = addr_.size();
    if (n >= UINT32_MAX) throw InputError(m_.path(), std::nullopt, "more than 2^32-1 objects");
    auto end_of = [&](size_t i) { return addr_[i] + object_size(i); };
    std::vector<std::pair<uint64_t, uint32_t>> runs;  // (first address, first index)
    for (size_t i = 0; i < n; i++) {
      if (i == 0 || addr_[i] != end_of(i - 1)) runs.push_back({addr_[i], static_cast<uint32_t>(i)});
    }
    std::sort(runs.begin(), runs.end());
    BigVector<uint32_t> perm;
    perm.reserve(n);
    for (const auto& run : runs) {
      uint32_t i = run.second;
      do {
        perm.push_back(i++);
      } while (i < n && addr_[i] == end_of(i - 1));
    }
    auto sorted = [&] {
      for (size_t k = 1; k < n; k++)
        if (addr_[perm[k]] < end_of(perm[k - 1])) return false;
      return true;
    };
    if (sorted()) return perm;
    std::iota(perm.begin(), perm.end(), 0);
    std::sort(perm.begin(), perm.end(),
              [&](uint32_t a, uint32_t b) { return addr_[a] < addr_[b]; });
    for (size_t k = 1; k < n; k++) {
      if (addr_[perm[k]] < end_of(perm[k - 1])) {
        throw InputError(
            m_.path(), contents_[perm[k]],
            fmt::format("object {:#x} overlaps object {:#x}", addr_[perm[k]], addr_[perm[k - 1]]));
      }
    }
    return perm;
  }

  uint64_t object_size(size_t file_index) const {
    uint32_t s = size32_[file_index];
    return s == HeapModel::kHugeSize ? m_.huge_sizes.at(static_cast<ObjectId>(file_index)) : s;
  }

  void apply_order(const BigVector<uint32_t>& perm) {
    if (!m_.huge_sizes.empty()) {
      std::vector<uint32_t> rank(perm.size());
      for (size_t k = 0; k < perm.size(); k++) rank[perm[k]] = static_cast<uint32_t>(k);
      std::unordered_map<ObjectId, uint64_t> moved;
      for (auto [file_index, size] : m_.huge_sizes) moved[rank[file_index]] = size;
      m_.huge_sizes.swap(moved);
    }
    m_.object_addr = addr_.take_permuted(perm);
    m_.object_size32 = size32_.take_permuted(perm);
    m_.object_contents = contents_.take_permuted(perm);
  }

  void build_page_index() {
    const auto& addr = m_.object_addr;
    if (addr.empty()) return;
    constexpr unsigned shift = HeapModel::kPageShift;
    uint64_t base = addr.front() >> shift << shift;
    uint64_t last_end = addr.back() + m_.size(static_cast<ObjectId>(addr.size() - 1));
    uint64_t pages = ((last_end - base) >> shift) + 1;
    // A sparse heap would make the table larger than the objects; binary search alone then.
    if (pages > 4 * addr.size() + (1 << 20)) return;
    m_.page_base_ = base;
    m_.page_first_.resize(pages + 1);
    size_t i = 0;
    for (uint64_t p = 0; p <= pages; p++) {
      uint64_t start = base + (p << shift);
      while (i < addr.size() && addr[i] < start) i++;
      m_.page_first_[p] = static_cast<ObjectId>(i);
    }
  }

  // Resolves every raw pointer (file order) to the object containing its target, dropping
  // pointers to freed slots and outside the heap, then gathers the rows into address order.
  void build_edges(const BigVector<uint32_t>& perm) {
    const size_t n = perm.size();
    BigVector<ObjectId> resolved(raw_targets_.size());
    BigVector<uint32_t> row_len(n);
    auto resolve_rows = [&](size_t from, size_t to) {
      for (size_t f = from; f < to; f++) {
        uint64_t w = raw_edge_begin_[f];
        for (uint64_t e = raw_edge_begin_[f]; e < raw_edge_begin_[f + 1]; e++) {
          ObjectId t = m_.find(raw_targets_[e]);
          if (t != kNoObject) resolved[w++] = t;
        }
        row_len[f] = static_cast<uint32_t>(w - raw_edge_begin_[f]);
      }
    };
    // find() is read-only on the model; two halves resolve in parallel.
    if (n > 100000 && std::thread::hardware_concurrency() > 1) {
      std::thread other(resolve_rows, n / 2, n);
      resolve_rows(0, n / 2);
      other.join();
    } else {
      resolve_rows(0, n);
    }
    raw_targets_.clear();
    m_.edge_begin.resize(n + 1);
    m_.edge_begin[0] = 0;
    for (size_t k = 0; k < n; k++) m_.edge_begin[k + 1] = m_.edge_begin[k] + row_len[perm[k]];
    m_.edge_target.resize(m_.edge_begin[n]);
    for (size_t k = 0; k < n; k++) {
      uint32_t f = perm[k];
      std::copy_n(resolved.begin() + static_cast<ptrdiff_t>(raw_edge_begin_[f]), row_len[f],
                  m_.edge_target.begin() + static_cast<ptrdiff_t>(m_.edge_begin[k]));
    }
    raw_edge_begin_.clear();
  }

  void resolve_roots() {
    for (const auto& p : pending_) {
      ObjectId t = m_.find(p.addr);
      if (t != kNoObject) m_.roots.push_back({p.kind, t, p.source, p.offset});
    }
    std::vector<PendingRoot>().swap(pending_);
    // An object with a finalizer is not itself a root, but everything it points to is: the
    // collector must keep them for the finalizer to see.
    // These objects lie all over the dump, and the kernel may map a whole large page-cache folio
    // (up to 2 MiB) for each one read: drop the mapped pages every few dozen objects, or a
    // thousand finalizers would bring most of the dump back into the process.
    for (size_t i = 0; i < m_.finalizers.size(); i++) {
      if (i % 32 == 31 && release_pages_) m_.file->release(0, m_.file->size());
      ObjectId obj = m_.find(m_.finalizers[i].object);
      if (obj == kNoObject) continue;
      for (uint64_t off : m_.pointer_offsets(obj)) {
        ObjectId t = m_.find(m_.word_at(m_.object_contents[obj], off));
        if (t != kNoObject)
          m_.roots.push_back({RootKind::kFinalizerReferent, t, static_cast<uint32_t>(i), off});
      }
    }
  }

  HeapModel& m_;
  const bool release_pages_;
  // Objects in file order, until finish() sorts them into the model.
  ChunkedVector<uint64_t> addr_;
  ChunkedVector<uint32_t> size32_;
  ChunkedVector<uint64_t> contents_;
  // Raw pointer values of object i: raw_targets_[raw_edge_begin_[i] .. raw_edge_begin_[i+1]).
  ChunkedVector<uint64_t> raw_targets_;
  ChunkedVector<uint64_t> raw_edge_begin_;
  std::vector<PendingRoot> pending_;
};

}  // namespace

HeapModel load_heap_dump(const std::string& path, const format::ReadOptions& options) {
  HeapModel m;
  m.file = MappedFile::open(path);
  ModelBuilder builder(m, options.release_pages);
  m.record_counts = format::read_heap_dump(*m.file, builder, options);
  builder.finish();
  return m;
}

}  // namespace leakseek::heap
