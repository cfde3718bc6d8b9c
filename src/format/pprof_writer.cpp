#include "format/pprof_writer.h"

#include <zlib.h>

#include <algorithm>
#include <stdexcept>
#include <unordered_map>

#include "proto/profile.pb.h"

namespace leakseek::format {

namespace pb = perftools::profiles;

namespace {

constexpr size_t kZlibChunk = size_t{1} << 30;

// Each distinct string once; entry 0 is "" because pprof reads index 0 as "no string".
class StringTable {
 public:
  explicit StringTable(pb::Profile& out) : out_(out) { index(""); }

  int64_t index(const std::string& s) {
    auto [it, added] = indexes_.try_emplace(s, static_cast<int64_t>(indexes_.size()));
    if (added) out_.add_string_table(s);
    return it->second;
  }

 private:
  pb::Profile& out_;
  std::unordered_map<std::string, int64_t> indexes_;
};

void set_value_type(pb::ValueType& out, const profiles::ValueType& v, StringTable& strings) {
  out.set_type(strings.index(v.type));
  out.set_unit(strings.index(v.unit));
}

pb::Profile to_message(const profiles::Profile& p) {
  pb::Profile out;
  StringTable strings(out);
  for (const auto& t : p.sample_types()) set_value_type(*out.add_sample_type(), t, strings);
  for (const auto& s : p.samples()) {
    auto& o = *out.add_sample();
    o.mutable_location_id()->Add(s.location_ids.begin(), s.location_ids.end());
    o.mutable_value()->Add(s.values.begin(), s.values.end());
    for (const auto& l : s.labels) {
      auto& ol = *o.add_label();
      ol.set_key(strings.index(l.key));
      ol.set_str(strings.index(l.str));
      ol.set_num(l.num);
      ol.set_num_unit(strings.index(l.num_unit));
    }
  }
  for (const auto& m : p.mappings()) {
    auto& o = *out.add_mapping();
    o.set_id(m.id);
    o.set_memory_start(m.memory_start);
    o.set_memory_limit(m.memory_limit);
    o.set_file_offset(m.file_offset);
    o.set_filename(strings.index(m.filename));
    o.set_build_id(strings.index(m.build_id));
    o.set_has_functions(m.has_functions);
    o.set_has_filenames(m.has_filenames);
    o.set_has_line_numbers(m.has_line_numbers);
    o.set_has_inline_frames(m.has_inline_frames);
  }
  for (const auto& l : p.locations()) {
    auto& o = *out.add_location();
    o.set_id(l.id);
    o.set_mapping_id(l.mapping_id);
    o.set_address(l.address);
    for (const auto& ln : l.lines) {
      auto& oln = *o.add_line();
      oln.set_function_id(ln.function_id);
      oln.set_line(ln.line);
      oln.set_column(ln.column);
    }
    o.set_is_folded(l.is_folded);
  }
  for (const auto& f : p.functions()) {
    auto& o = *out.add_function();
    o.set_id(f.id);
    o.set_name(strings.index(f.name));
    o.set_system_name(strings.index(f.system_name));
    o.set_filename(strings.index(f.filename));
    o.set_start_line(f.start_line);
  }
  for (const auto& c : p.comments()) out.add_comment(strings.index(c));
  out.set_drop_frames(strings.index(p.drop_frames()));
  out.set_keep_frames(strings.index(p.keep_frames()));
  out.set_time_nanos(p.time_nanos());
  out.set_duration_nanos(p.duration_nanos());
  // An empty period type would still be written as an empty submessage; leave it out.
  if (!p.period_type().type.empty() || !p.period_type().unit.empty())
    set_value_type(*out.mutable_period_type(), p.period_type(), strings);
  out.set_period(p.period());
  out.set_default_sample_type(strings.index(p.default_sample_type()));
  out.set_doc_url(strings.index(p.doc_url()));
  return out;
}

std::string gzip_bytes(const std::string& in) {
  z_stream z{};
  // 16 + MAX_WBITS: gzip framing, which is what Go's profile endpoints send.
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK)
    throw std::runtime_error("zlib: deflateInit2 failed");
  std::string out(deflateBound(&z, in.size()), '\0');
  size_t fed = 0;
  size_t produced = 0;
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    if (z.avail_in == 0 && fed < in.size()) {
      size_t n = std::min(in.size() - fed, kZlibChunk);
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data() + fed));
      z.avail_in = static_cast<uInt>(n);
      fed += n;
    }
    if (produced == out.size()) out.resize(out.size() * 2);
    size_t room = std::min(out.size() - produced, kZlibChunk);
    z.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    z.avail_out = static_cast<uInt>(room);
    rc = deflate(&z, fed == in.size() ? Z_FINISH : Z_NO_FLUSH);
    produced += room - z.avail_out;
    if (rc == Z_STREAM_ERROR) {
      deflateEnd(&z);
      throw std::runtime_error("zlib: deflate failed");
    }
  }
  deflateEnd(&z);
  out.resize(produced);
  return out;
}

}  // namespace

std::string write_pprof(const profiles::Profile& profile, bool gzip) {
  pb::Profile message = to_message(profile);
  if (message.ByteSizeLong() > static_cast<size_t>(INT32_MAX))
    throw std::length_error("profile too large to encode: protobuf messages must be under 2 GiB");
  std::string raw = message.SerializeAsString();
  return gzip ? gzip_bytes(raw) : raw;
}

}  // namespace leakseek::format
