#pragma once
// Builds small crafted heap dumps, for error paths and fuzz seeds only: real behaviour is
// tested on dumps written by Go itself.
#include <cstdint>
#include <string>
#include <vector>

namespace leakseek::test {

class DumpBytes {
 public:
  DumpBytes& header() { return raw("go1.7 heap dump\n"); }
  DumpBytes& raw(const std::string& s) {
    bytes_ += s;
    return *this;
  }
  DumpBytes& uv(uint64_t v) {
    while (v >= 0x80) bytes_ += static_cast<char>((v & 0x7f) | 0x80), v >>= 7;
    bytes_ += static_cast<char>(v);
    return *this;
  }
  DumpBytes& str(const std::string& s) { return uv(s.size()).raw(s); }
  DumpBytes& word(uint64_t v) {
    for (int i = 0; i < 8; i++) bytes_ += static_cast<char>(v >> (8 * i));
    return *this;
  }
  DumpBytes& params() {
    return uv(6).uv(0).uv(8).uv(0xc000000000).uv(0xc004000000).str("amd64").str("go1.23.5").uv(2);
  }
  // An object whose words are `words` and whose pointer fields are at `ptr_offsets`.
  DumpBytes& object(uint64_t addr, const std::vector<uint64_t>& words,
                    const std::vector<uint64_t>& ptr_offsets) {
    uv(1).uv(addr).uv(words.size() * 8);
    for (auto w : words) word(w);
    for (auto o : ptr_offsets) uv(1).uv(o);
    return uv(0);
  }
  DumpBytes& bss(uint64_t addr, const std::vector<uint64_t>& words,
                 const std::vector<uint64_t>& ptr_offsets) {
    uv(13).uv(addr).uv(words.size() * 8);
    for (auto w : words) word(w);
    for (auto o : ptr_offsets) uv(1).uv(o);
    return uv(0);
  }
  DumpBytes& eof() { return uv(0); }
  const std::string& str() const { return bytes_; }
  size_t size() const { return bytes_.size(); }

 private:
  std::string bytes_;
};

}  // namespace leakseek::test
