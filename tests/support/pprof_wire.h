#pragma once
// Hand-made protobuf encodings, for what our writer never produces: unpacked repeated fields,
// fields out of order, dangling references and bad string indexes.
#include <cstdint>
#include <string>
#include <vector>

namespace leakseek::test {

class ProtoBytes {
 public:
  // A varint field; negative int64 values go in as their two's complement, as protobuf does.
  ProtoBytes& varint(int field, uint64_t v) { return key(field, 0).raw_varint(v); }
  ProtoBytes& bytes(int field, const std::string& s) {
    key(field, 2).raw_varint(s.size());
    bytes_ += s;
    return *this;
  }
  ProtoBytes& message(int field, const ProtoBytes& m) { return bytes(field, m.str()); }
  // A repeated scalar as one length-delimited run (what Go writes for more than two values).
  ProtoBytes& packed(int field, const std::vector<uint64_t>& vs) {
    ProtoBytes run;
    for (uint64_t v : vs) run.raw_varint(v);
    return bytes(field, run.str());
  }
  // A repeated scalar as one field per value (what Go writes for one or two values).
  ProtoBytes& unpacked(int field, const std::vector<uint64_t>& vs) {
    for (uint64_t v : vs) varint(field, v);
    return *this;
  }
  ProtoBytes& append(const std::string& raw) {
    bytes_ += raw;
    return *this;
  }
  const std::string& str() const { return bytes_; }

 private:
  ProtoBytes& key(int field, int wire_type) {
    return raw_varint((static_cast<uint64_t>(field) << 3) | static_cast<uint64_t>(wire_type));
  }
  ProtoBytes& raw_varint(uint64_t v) {
    while (v >= 0x80) bytes_ += static_cast<char>((v & 0x7f) | 0x80), v >>= 7;
    bytes_ += static_cast<char>(v);
    return *this;
  }
  std::string bytes_;
};

// One gzip member holding `data`.
std::string gzip_member(const std::string& data);

}  // namespace leakseek::test
