#include "profiles/base_merge.h"

#include <algorithm>
#include <charconv>
#include <stdexcept>
#include <string>
#include <unordered_map>

namespace leakseek::profiles {

namespace {

void put_uvarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void put_string(std::string& out, const std::string& s) {
  put_uvarint(out, s.size());
  out += s;
}

std::string hex(uint64_t v) {
  char buf[24];
  auto end = std::to_chars(buf, buf + sizeof buf, v, 16).ptr;
  return {buf, end};
}

// Go's strconv.FormatInt(v, 16): a sign, then the magnitude.
std::string signed_hex(int64_t v) {
  if (v >= 0) return hex(static_cast<uint64_t>(v));
  return "-" + hex(0 - static_cast<uint64_t>(v));
}

std::string describe(const std::vector<ValueType>& types) {
  std::string s;
  for (const auto& t : types) s += (s.empty() ? "" : " ") + t.type + "/" + t.unit;
  return "[" + s + "]";
}

class Merger {
 public:
  explicit Merger(size_t types) : types_(types) {}

  void add(const Profile& src, bool is_base) {
    mapping_ids_.clear();
    function_ids_.clear();
    location_ids_.clear();
    if (out_.mappings.empty() && !src.mappings().empty()) map_mapping(src, src.mappings()[0].id);
    for (const auto& s : src.samples()) {
      if (std::all_of(s.values.begin(), s.values.end(), [](int64_t v) { return v == 0; })) continue;
      map_sample(src, s, is_base);
    }
  }

  BaseMerge finish(ProfileData header) {
    header.mappings = std::move(out_.mappings);
    header.functions = std::move(out_.functions);
    header.locations = std::move(out_.locations);
    BaseMerge r;
    for (size_t i = 0; i < out_.samples.size(); i++) {
      auto& s = out_.samples[i];
      if (std::all_of(s.values.begin(), s.values.end(), [](int64_t v) { return v == 0; })) continue;
      header.samples.push_back(std::move(s));
      r.base_values.insert(r.base_values.end(), base_.begin() + i * types_,
                           base_.begin() + (i + 1) * types_);
      r.current_values.insert(r.current_values.end(), current_.begin() + i * types_,
                              current_.begin() + (i + 1) * types_);
    }
    r.merged = Profile(std::move(header));
    return r;
  }

 private:
  struct MappedMapping {
    uint64_t id = 0;     // merged id, 0 for none
    int64_t offset = 0;  // merged start - source start
    uint64_t source_start = 0;
  };

  // pprof's mappingKey: size rounded up to 4 KiB, file offset, build id or else file name.
  static std::string mapping_key(const Mapping& m) {
    uint64_t size = m.memory_limit - m.memory_start;
    size = size + 0xfff;
    size -= size % 0x1000;
    std::string k;
    put_uvarint(k, size);
    put_uvarint(k, m.file_offset);
    k += !m.build_id.empty() ? m.build_id : m.filename;
    return k;
  }

  MappedMapping map_mapping(const Profile& src, uint64_t id) {
    if (id == 0) return {};
    if (auto it = mapping_ids_.find(id); it != mapping_ids_.end()) return it->second;
    const Mapping& m = *src.mapping(id);
    auto [it, added] = mappings_.emplace(mapping_key(m), out_.mappings.size());
    if (added) {
      Mapping copy = m;
      copy.id = out_.mappings.size() + 1;
      out_.mappings.push_back(std::move(copy));
    }
    const Mapping& merged = out_.mappings[it->second];
    MappedMapping mm{
        merged.id, static_cast<int64_t>(merged.memory_start) - static_cast<int64_t>(m.memory_start),
        m.memory_start};
    mapping_ids_.emplace(id, mm);
    return mm;
  }

  uint64_t map_function(const Profile& src, uint64_t id) {
    if (auto it = function_ids_.find(id); it != function_ids_.end()) return it->second;
    const Function& f = *src.function(id);
    std::string k = std::to_string(f.start_line);
    for (const std::string* s : {&f.name, &f.system_name, &f.filename}) put_string(k, *s);
    auto [it, added] = functions_.emplace(std::move(k), out_.functions.size() + 1);
    if (added) {
      Function copy = f;
      copy.id = it->second;
      out_.functions.push_back(std::move(copy));
    }
    function_ids_.emplace(id, it->second);
    return it->second;
  }

  uint64_t map_location(const Profile& src, uint64_t id) {
    if (auto it = location_ids_.find(id); it != location_ids_.end()) return it->second;
    const Location& l = *src.location(id);
    MappedMapping mm = map_mapping(src, l.mapping_id);
    Location loc{0,
                 mm.id,
                 static_cast<uint64_t>(static_cast<int64_t>(l.address) + mm.offset),
                 {},
                 l.is_folded};
    loc.lines.reserve(l.lines.size());
    for (const auto& line : l.lines)
      loc.lines.push_back({map_function(src, line.function_id), line.line, line.column});
    // pprof's locationKey, including how it lays out the lines: three slots per line at a stride
    // of two, so a line's column is overwritten by the next line's function.
    std::vector<std::string> parts(loc.lines.size() * 3);
    for (size_t i = 0; i < loc.lines.size(); i++) {
      parts[i * 2] = hex(loc.lines[i].function_id);
      parts[i * 2 + 1] = signed_hex(loc.lines[i].line);
      parts[i * 2 + 2] = signed_hex(loc.lines[i].column);
    }
    std::string k;
    put_uvarint(k, l.address - (mm.id ? mm.source_start : 0));
    put_uvarint(k, mm.id);
    k.push_back(l.is_folded ? 1 : 0);
    for (size_t i = 0; i < parts.size(); i++) k += (i ? "|" : "") + parts[i];
    auto [it, added] = locations_.emplace(std::move(k), out_.locations.size() + 1);
    if (added) {
      loc.id = it->second;
      out_.locations.push_back(std::move(loc));
    }
    location_ids_.emplace(id, it->second);
    return it->second;
  }

  // pprof's sampleKey: merged location ids, then string labels and numeric labels by key.
  static void put_labels(std::string& k, const Sample& s) {
    std::vector<const Label*> strs, nums;
    for (const auto& l : s.labels) {
      if (!l.str.empty())
        strs.push_back(&l);
      else if (l.num != 0 || !l.num_unit.empty())
        nums.push_back(&l);
    }
    auto by_key = [](const Label* a, const Label* b) { return a->key < b->key; };
    std::stable_sort(strs.begin(), strs.end(), by_key);
    std::stable_sort(nums.begin(), nums.end(), by_key);
    for (const Label* l : strs) {
      put_string(k, l->key);
      put_string(k, l->str);
    }
    k.push_back('\xff');
    for (const Label* l : nums) {
      put_string(k, l->key);
      put_uvarint(k, static_cast<uint64_t>(l->num));
      put_string(k, l->num_unit);
    }
  }

  void map_sample(const Profile& src, const Sample& s, bool is_base) {
    std::string k;
    std::vector<uint64_t> locs;
    locs.reserve(s.location_ids.size());
    for (uint64_t id : s.location_ids) {
      locs.push_back(map_location(src, id));
      put_uvarint(k, locs.back());
    }
    put_uvarint(k, 0);
    put_labels(k, s);
    auto [it, added] = samples_.emplace(std::move(k), out_.samples.size());
    if (added) {
      out_.samples.push_back({std::move(locs), std::vector<int64_t>(types_, 0), s.labels});
      base_.resize(base_.size() + types_, 0);
      current_.resize(current_.size() + types_, 0);
    }
    size_t i = it->second;
    auto& side = is_base ? base_ : current_;
    for (size_t t = 0; t < types_; t++) {
      int64_t v = is_base ? -s.values[t] : s.values[t];
      out_.samples[i].values[t] += v;
      side[i * types_ + t] += s.values[t];
    }
  }

  size_t types_;
  ProfileData out_;
  std::vector<int64_t> base_, current_;
  std::unordered_map<std::string, size_t> mappings_;
  std::unordered_map<std::string, uint64_t> functions_, locations_;
  std::unordered_map<std::string, size_t> samples_;
  std::unordered_map<uint64_t, MappedMapping> mapping_ids_;
  std::unordered_map<uint64_t, uint64_t> function_ids_, location_ids_;
};

}  // namespace

BaseMerge merge_with_base(const Profile& base, const Profile& current) {
  if (base.sample_types() != current.sample_types())
    throw std::invalid_argument("incompatible sample types " + describe(current.sample_types()) +
                                " and " + describe(base.sample_types()));
  if (!(base.period_type() == current.period_type()))
    throw std::invalid_argument("incompatible period types " + current.period_type().type +
                                " and " + base.period_type().type);
  Merger m(current.sample_types().size());
  m.add(current, false);
  m.add(base, true);

  // pprof's combineHeaders: earliest nonzero time, summed durations, largest period, the first
  // default sample type that is set.
  ProfileData header;
  header.sample_types = current.sample_types();
  header.period_type = current.period_type();
  header.drop_frames = current.drop_frames();
  header.keep_frames = current.keep_frames();
  for (const Profile* p : {&current, &base}) {
    if (header.time_nanos == 0 || p->time_nanos() < header.time_nanos)
      header.time_nanos = p->time_nanos();
    header.duration_nanos += p->duration_nanos();
    header.period = std::max(header.period, p->period());
    for (const auto& c : p->comments())
      if (std::find(header.comments.begin(), header.comments.end(), c) == header.comments.end())
        header.comments.push_back(c);
    if (header.default_sample_type.empty()) header.default_sample_type = p->default_sample_type();
  }
  return m.finish(std::move(header));
}

}  // namespace leakseek::profiles
