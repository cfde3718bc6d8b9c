#pragma once
// Bounds-checked decoding of the primitives Go's binary formats share (uvarint, length-prefixed
// bytes). Every failure names the offset where the bad value starts.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "util/input_error.h"

namespace leakseek::format {

class ByteCursor {
 public:
  ByteCursor(std::span<const uint8_t> bytes, const std::string& file, uint64_t pos = 0)
      : data_(bytes.data()), size_(bytes.size()), pos_(pos), file_(file) {}

  uint64_t pos() const { return pos_; }
  bool at_end() const { return pos_ >= size_; }
  uint64_t remaining() const { return size_ - pos_; }
  const uint8_t* data() const { return data_; }
  const std::string& file() const { return file_; }

  [[noreturn]] void fail(uint64_t at, const std::string& what) const {
    throw InputError(file_, at, what);
  }

  uint64_t uvarint(const char* what = "value") {
    uint64_t start = pos_;
    uint64_t v = 0;
    for (unsigned shift = 0;; shift += 7) {
      if (pos_ >= size_) fail(start, std::string("truncated ") + what);
      uint8_t b = data_[pos_++];
      if (shift == 63 && b > 1) fail(start, std::string("varint overflow in ") + what);
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (b < 0x80) return v;
      if (shift == 63) fail(start, std::string("varint overflow in ") + what);
    }
  }

  bool boolean(const char* what = "bool") {
    uint64_t start = pos_;
    uint64_t v = uvarint(what);
    if (v > 1) fail(start, std::string("bad bool in ") + what + ": " + std::to_string(v));
    return v == 1;
  }

  // A uvarint length followed by that many bytes; returns the bytes' offset through `offset`.
  std::span<const uint8_t> bytes(const char* what, uint64_t* offset = nullptr) {
    uint64_t start = pos_;
    uint64_t n = uvarint(what);
    if (n > remaining()) {
      fail(start, std::string(what) + " length " + std::to_string(n) + " runs past end of file");
    }
    if (offset) *offset = pos_;
    std::span<const uint8_t> out(data_ + pos_, n);
    pos_ += n;
    return out;
  }

  std::string_view string(const char* what) {
    auto b = bytes(what);
    return {reinterpret_cast<const char*>(b.data()), b.size()};
  }

  bool starts_with(std::string_view s) const {
    return remaining() >= s.size() &&
           std::string_view(reinterpret_cast<const char*>(data_ + pos_), s.size()) == s;
  }
  void skip(uint64_t n) { pos_ += n; }

 private:
  const uint8_t* data_;
  uint64_t size_;
  uint64_t pos_;
  const std::string& file_;
};

}  // namespace leakseek::format
