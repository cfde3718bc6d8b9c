#include "heap/heap_model.h"

#include <algorithm>

#include "format/byte_cursor.h"

namespace leakseek::heap {

std::string_view root_kind_name(RootKind kind) {
  static constexpr std::string_view kNames[kRootKindCount] = {"data",
                                                              "bss",
                                                              "stack_frame",
                                                              "goroutine_context",
                                                              "defer",
                                                              "panic",
                                                              "finalizer_function",
                                                              "finalizer_referent",
                                                              "queued_object",
                                                              "queued_function",
                                                              "other"};
  return kNames[static_cast<size_t>(kind)];
}

std::vector<uint64_t> HeapModel::pointer_offsets(ObjectId id) const {
  // The field list is written right after the object's contents: (kind, offset)... 0.
  // The reader validated it on load, so decoding cannot fail here.
  format::ByteCursor in(file->bytes(), file->path(), object_contents[id] + size(id));
  std::vector<uint64_t> out;
  while (in.uvarint() != 0) out.push_back(in.uvarint());
  return out;
}

ObjectId HeapModel::find(uint64_t addr) const {
  if (object_addr.empty() || addr < object_addr.front()) return kNoObject;
  size_t lo = 0, hi = object_addr.size();
  if (!page_first_.empty()) {
    uint64_t page = (addr - page_base_) >> kPageShift;
    if (page + 1 < page_first_.size()) {
      // Objects starting in this page, plus the one before it that may reach into it.
      lo = page_first_[page] == 0 ? 0 : page_first_[page] - 1;
      hi = page_first_[page + 1];
      // A span holds objects of one size side by side, so the slot usually follows from the
      // offset; freed slots break the arithmetic, and then the search below decides.
      size_t first = page_first_[page];
      if (first < hi && addr >= object_addr[first]) {
        uint64_t size = object_size32[first];
        if (size != 0 && size != kHugeSize) {
          size_t guess = first + (addr - object_addr[first]) / size;
          if (guess < hi && object_addr[guess] <= addr &&
              addr - object_addr[guess] < object_size32[guess] &&
              object_size32[guess] != kHugeSize) {
            return static_cast<ObjectId>(guess);
          }
        }
      }
    } else {
      lo = page_first_.back() == 0 ? 0 : page_first_.back() - 1;
    }
  }
  auto begin = object_addr.begin();
  auto it = std::upper_bound(begin + static_cast<ptrdiff_t>(lo), begin + static_cast<ptrdiff_t>(hi),
                             addr);
  if (it == begin) return kNoObject;
  size_t i = static_cast<size_t>(it - begin) - 1;
  return addr - object_addr[i] < size(static_cast<ObjectId>(i)) ? static_cast<ObjectId>(i)
                                                                : kNoObject;
}

}  // namespace leakseek::heap
