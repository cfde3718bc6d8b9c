#include "format/pprof_reader.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <optional>
#include <stdexcept>
#include <string_view>

#include "proto/profile.pb.h"
#include "util/input_error.h"
#include "util/mapped_file.h"

namespace leakseek::format {

namespace pb = perftools::profiles;

namespace {

// zlib counts bytes in 32-bit unsigned ints; feed and drain it in pieces no larger than this.
constexpr size_t kZlibChunk = size_t{1} << 30;

bool is_gzip(std::span<const uint8_t> bytes) {
  return bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
}

[[noreturn]] void fail(const std::string& file, const std::string& what) {
  throw InputError(file, std::nullopt, what);
}

class Inflater {
 public:
  explicit Inflater(const std::string& file) : file_(file) {
    // 16 + MAX_WBITS: gzip framing only, with its CRC and length checked.
    if (inflateInit2(&z_, 16 + MAX_WBITS) != Z_OK) fail(file_, "gzip: cannot initialise zlib");
  }
  ~Inflater() { inflateEnd(&z_); }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  // Go's gzip reader accepts concatenated members, so this does too.
  std::string run(std::span<const uint8_t> in, uint64_t limit) {
    std::string out;
    size_t produced = 0;
    size_t fed = 0;
    for (;;) {
      if (z_.avail_in == 0 && fed < in.size()) {
        size_t n = std::min(in.size() - fed, kZlibChunk);
        z_.next_in = const_cast<Bytef*>(in.data() + fed);
        z_.avail_in = static_cast<uInt>(n);
        fed += n;
      }
      // One byte of room beyond the limit tells "exactly at the limit" from "over it".
      if (produced == out.size()) {
        uint64_t grown = std::max<uint64_t>(uint64_t{out.size()} * 2, 1 << 16);
        out.resize(static_cast<size_t>(std::min(grown, limit + 1)));
      }
      size_t room = std::min(out.size() - produced, kZlibChunk);
      z_.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
      z_.avail_out = static_cast<uInt>(room);
      uInt avail_in_before = z_.avail_in;
      int rc = inflate(&z_, Z_NO_FLUSH);
      size_t made = room - z_.avail_out;
      produced += made;
      if (produced > limit) too_large(limit);
      size_t consumed_to = fed - z_.avail_in;
      bool input_left = consumed_to < in.size();
      if (rc == Z_STREAM_END) {
        if (!input_left) break;
        if (!is_gzip(in.subspan(consumed_to)))
          fail(file_, "gzip: trailing bytes after the compressed data");
        inflateReset(&z_);
        continue;
      }
      if (rc == Z_DATA_ERROR)
        fail(file_, std::string("gzip: corrupt data: ") + (z_.msg ? z_.msg : "unknown error"));
      if (rc == Z_MEM_ERROR) fail(file_, "gzip: out of memory");
      if (rc != Z_OK && rc != Z_BUF_ERROR) fail(file_, "gzip: zlib error " + std::to_string(rc));
      // Output room left over while all input is used up means zlib wants more input; so does
      // a call that could make no progress at all.
      bool stuck = made == 0 && z_.avail_in == avail_in_before;
      if ((!input_left && z_.avail_out > 0) || stuck)
        fail(file_, "gzip: truncated compressed data");
    }
    out.resize(produced);
    return out;
  }

 private:
  [[noreturn]] void too_large(uint64_t limit) {
    fail(file_, "gzip: decompressed profile is larger than the limit of " + std::to_string(limit) +
                    " bytes");
  }

  const std::string& file_;
  z_stream z_{};
};

// Go's debug=1 and debug=2 endpoints serve text, which would otherwise fail in confusing ways
// (some text even decodes as protobuf).
std::optional<std::string_view> text_profile_kind(std::span<const uint8_t> bytes) {
  std::string_view s(reinterpret_cast<const char*>(bytes.data()),
                     std::min<size_t>(bytes.size(), 64));
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kPrefixes = {{
      {"heap profile:", "heap"},
      {"goroutine profile:", "goroutine"},
      {"goroutine ", "goroutine traceback"},
      {"threadcreate profile:", "threadcreate"},
      {"--- contention:", "block or mutex"},
      {"--- mutex:", "mutex"},
  }};
  for (auto [prefix, kind] : kPrefixes)
    if (s.starts_with(prefix)) return kind;
  return std::nullopt;
}

class Converter {
 public:
  Converter(const pb::Profile& pb, const std::string& file) : pb_(pb), file_(file) {}

  profiles::ProfileData run() {
    if (pb_.string_table_size() == 0) fail(file_, "string_table is empty (entry 0 must be \"\")");
    if (!pb_.string_table(0).empty()) fail(file_, "string_table entry 0 is not \"\"");

    profiles::ProfileData d;
    d.sample_types.reserve(pb_.sample_type_size());
    for (int i = 0; i < pb_.sample_type_size(); i++)
      d.sample_types.push_back(value_type(pb_.sample_type(i), "sample_type " + std::to_string(i)));
    d.samples.reserve(pb_.sample_size());
    for (int i = 0; i < pb_.sample_size(); i++) d.samples.push_back(sample(pb_.sample(i), i));
    d.mappings.reserve(pb_.mapping_size());
    for (const auto& m : pb_.mapping()) d.mappings.push_back(mapping(m));
    d.locations.reserve(pb_.location_size());
    for (const auto& l : pb_.location()) d.locations.push_back(location(l));
    d.functions.reserve(pb_.function_size());
    for (const auto& f : pb_.function()) d.functions.push_back(function(f));
    for (int i = 0; i < pb_.comment_size(); i++)
      d.comments.push_back(str(pb_.comment(i), [&] { return "comment " + std::to_string(i); }));
    d.drop_frames = str(pb_.drop_frames(), [] { return "drop_frames"; });
    d.keep_frames = str(pb_.keep_frames(), [] { return "keep_frames"; });
    d.time_nanos = pb_.time_nanos();
    d.duration_nanos = pb_.duration_nanos();
    d.period_type = value_type(pb_.period_type(), "period_type");
    d.period = pb_.period();
    d.default_sample_type = str(pb_.default_sample_type(), [] { return "default_sample_type"; });
    d.doc_url = str(pb_.doc_url(), [] { return "doc_url"; });
    return d;
  }

 private:
  // `where` names the referring field; it is only built for the error message.
  template <typename Where>
  std::string str(int64_t index, Where&& where) const {
    if (index < 0 || index >= pb_.string_table_size())
      fail(file_, "string_table index " + std::to_string(index) + " out of range in " +
                      std::string(where()) + " (the table has " +
                      std::to_string(pb_.string_table_size()) + " entries)");
    return pb_.string_table(static_cast<int>(index));
  }

  profiles::ValueType value_type(const pb::ValueType& v, const std::string& what) const {
    return {str(v.type(), [&] { return what + " type"; }),
            str(v.unit(), [&] { return what + " unit"; })};
  }

  profiles::Sample sample(const pb::Sample& s, int i) const {
    auto where = [&](const char* field) { return "sample " + std::to_string(i) + " " + field; };
    profiles::Sample out;
    out.location_ids.assign(s.location_id().begin(), s.location_id().end());
    out.values.assign(s.value().begin(), s.value().end());
    out.labels.reserve(s.label_size());
    for (const auto& l : s.label()) {
      out.labels.push_back({str(l.key(), [&] { return where("label key"); }),
                            str(l.str(), [&] { return where("label str"); }), l.num(),
                            str(l.num_unit(), [&] { return where("label num_unit"); })});
    }
    return out;
  }

  profiles::Mapping mapping(const pb::Mapping& m) const {
    auto where = [&](const char* field) {
      return "mapping " + std::to_string(m.id()) + " " + field;
    };
    return {m.id(),
            m.memory_start(),
            m.memory_limit(),
            m.file_offset(),
            str(m.filename(), [&] { return where("filename"); }),
            str(m.build_id(), [&] { return where("build_id"); }),
            m.has_functions(),
            m.has_filenames(),
            m.has_line_numbers(),
            m.has_inline_frames()};
  }

  static profiles::Location location(const pb::Location& l) {
    profiles::Location out{l.id(), l.mapping_id(), l.address(), {}, l.is_folded()};
    out.lines.reserve(l.line_size());
    for (const auto& ln : l.line()) out.lines.push_back({ln.function_id(), ln.line(), ln.column()});
    return out;
  }

  profiles::Function function(const pb::Function& f) const {
    auto where = [&](const char* field) {
      return "function " + std::to_string(f.id()) + " " + field;
    };
    return {f.id(), str(f.name(), [&] { return where("name"); }),
            str(f.system_name(), [&] { return where("system_name"); }),
            str(f.filename(), [&] { return where("filename"); }), f.start_line()};
  }

  const pb::Profile& pb_;
  const std::string& file_;
};

// What go tool pprof's validity check refuses, and what analyses would otherwise trip over.
void check_references(const profiles::Profile& p, const std::string& file) {
  const size_t types = p.sample_types().size();
  for (size_t i = 0; i < p.samples().size(); i++) {
    const auto& s = p.samples()[i];
    if (s.values.size() != types)
      fail(file, "sample " + std::to_string(i) + ": " + std::to_string(s.values.size()) +
                     " values but " + std::to_string(types) + " sample types");
    for (uint64_t id : s.location_ids)
      if (!p.location(id))
        fail(file,
             "sample " + std::to_string(i) + ": location id " + std::to_string(id) + " not found");
  }
  for (const auto& l : p.locations()) {
    if (l.mapping_id != 0 && !p.mapping(l.mapping_id))
      fail(file, "location " + std::to_string(l.id) + ": mapping id " +
                     std::to_string(l.mapping_id) + " not found");
    for (size_t i = 0; i < l.lines.size(); i++)
      if (!p.function(l.lines[i].function_id))
        fail(file, "location " + std::to_string(l.id) + " line " + std::to_string(i) +
                       ": function id " + std::to_string(l.lines[i].function_id) + " not found");
  }
}

pb::Profile parse_message(std::span<const uint8_t> bytes, const std::string& file) {
  if (bytes.empty()) fail(file, "empty profile");
  if (auto kind = text_profile_kind(bytes))
    fail(file, "this is a text " + std::string(*kind) +
                   " profile (debug=1 or 2); leakseek reads the protobuf form (debug=0)");
  if (bytes.size() > kMaxPprofBytes)
    fail(file, "profile is larger than " + std::to_string(kMaxPprofBytes) +
                   " bytes, more than protobuf can decode");
  pb::Profile message;
  if (!message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    fail(file, "not a pprof profile: invalid protobuf encoding");
  return message;
}

profiles::Profile to_profile(const pb::Profile& message, const std::string& file) {
  profiles::ProfileData data = Converter(message, file).run();
  std::optional<profiles::Profile> profile;
  try {
    profile.emplace(std::move(data));
  } catch (const std::invalid_argument& e) {
    fail(file, e.what());
  }
  check_references(*profile, file);
  return std::move(*profile);
}

}  // namespace

profiles::Profile read_pprof(std::span<const uint8_t> bytes,
                             const std::string& file_name_for_errors,
                             const PprofReadOptions& options) {
  const std::string& file = file_name_for_errors;
  pb::Profile message;
  if (is_gzip(bytes)) {
    // Scoped so the decompressed bytes are gone before the model is built.
    std::string raw =
        Inflater(file).run(bytes, std::min(options.max_decompressed_bytes, kMaxPprofBytes));
    message = parse_message({reinterpret_cast<const uint8_t*>(raw.data()), raw.size()}, file);
  } else {
    message = parse_message(bytes, file);
  }
  return to_profile(message, file);
}

profiles::Profile read_pprof_file(const std::string& path, const PprofReadOptions& options) {
  auto file = MappedFile::open(path);
  return read_pprof(file->bytes(), path, options);
}

}  // namespace leakseek::format
