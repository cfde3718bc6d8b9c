#pragma once
// The pprof profile model: what a profile.proto file says, with string-table indexes resolved to
// strings. Readers and analyses share it; it has no behaviour beyond lookups.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace leakseek::profiles {

struct ValueType {
  std::string type;  // "inuse_space", "goroutine", ...
  std::string unit;  // "bytes", "count", ...
  bool operator==(const ValueType&) const = default;
};

struct Function {
  uint64_t id = 0;
  std::string name;         // as Go prints it, e.g. "main.leakyAlloc"
  std::string system_name;  // the linker symbol; the same as name for Go code
  std::string filename;
  int64_t start_line = 0;
  bool operator==(const Function&) const = default;
};

struct Line {
  uint64_t function_id = 0;
  int64_t line = 0;
  int64_t column = 0;
  bool operator==(const Line&) const = default;
};

struct Location {
  uint64_t id = 0;
  uint64_t mapping_id = 0;  // 0: no mapping
  uint64_t address = 0;
  // More than one line when calls were inlined at this address: lines[0] is the innermost
  // (inlined) function, the last is the function the code physically belongs to.
  std::vector<Line> lines;
  bool is_folded = false;
  bool operator==(const Location&) const = default;
};

struct Mapping {
  uint64_t id = 0;
  uint64_t memory_start = 0;
  uint64_t memory_limit = 0;
  uint64_t file_offset = 0;
  std::string filename;
  std::string build_id;
  bool has_functions = false;
  bool has_filenames = false;
  bool has_line_numbers = false;
  bool has_inline_frames = false;
  bool operator==(const Mapping&) const = default;
};

// pprof labels are either textual (str) or numeric (num, optionally with num_unit); Go's heap
// profiles attach the numeric label "bytes" = object size to every sample.
struct Label {
  std::string key;
  std::string str;
  int64_t num = 0;
  std::string num_unit;
  bool operator==(const Label&) const = default;
};

struct Sample {
  std::vector<uint64_t> location_ids;  // leaf (innermost call) first
  std::vector<int64_t> values;         // one per Profile sample type, in that order
  std::vector<Label> labels;
  bool operator==(const Sample&) const = default;
};

// Everything a profile holds, as plain fields: what a reader fills in or code builds before
// making a Profile from it.
struct ProfileData {
  std::vector<ValueType> sample_types;
  std::vector<Sample> samples;
  std::vector<Mapping> mappings;
  std::vector<Location> locations;
  std::vector<Function> functions;
  std::vector<std::string> comments;
  std::string drop_frames;  // regular expressions, as pprof's -drop_frames / -keep_frames
  std::string keep_frames;
  int64_t time_nanos = 0;
  int64_t duration_nanos = 0;
  ValueType period_type;
  int64_t period = 0;
  // Empty means pprof's own default: the last sample type.
  std::string default_sample_type;
  std::string doc_url;
  bool operator==(const ProfileData&) const = default;
};

// A profile whose ids are unique, so lookups by id are unambiguous. It does not check that the
// ids samples and locations refer to exist: readers do that, to name the file in the error.
class Profile {
 public:
  Profile() = default;
  // Throws std::invalid_argument naming the first location, function or mapping whose id is 0
  // (reserved by pprof) or repeats an earlier one.
  explicit Profile(ProfileData data) : data_(std::move(data)) {
    index_ids(data_.locations, "location", location_index_);
    index_ids(data_.functions, "function", function_index_);
    index_ids(data_.mappings, "mapping", mapping_index_);
  }

  const ProfileData& data() const { return data_; }
  const std::vector<ValueType>& sample_types() const { return data_.sample_types; }
  const std::vector<Sample>& samples() const { return data_.samples; }
  const std::vector<Mapping>& mappings() const { return data_.mappings; }
  const std::vector<Location>& locations() const { return data_.locations; }
  const std::vector<Function>& functions() const { return data_.functions; }
  const std::vector<std::string>& comments() const { return data_.comments; }
  const std::string& drop_frames() const { return data_.drop_frames; }
  const std::string& keep_frames() const { return data_.keep_frames; }
  int64_t time_nanos() const { return data_.time_nanos; }
  int64_t duration_nanos() const { return data_.duration_nanos; }
  const ValueType& period_type() const { return data_.period_type; }
  int64_t period() const { return data_.period; }
  const std::string& default_sample_type() const { return data_.default_sample_type; }
  const std::string& doc_url() const { return data_.doc_url; }

  // Position of the sample type called `type` ("inuse_space") in sample_types and in every
  // sample's values.
  std::optional<size_t> sample_type_index(std::string_view type) const {
    for (size_t i = 0; i < data_.sample_types.size(); i++)
      if (data_.sample_types[i].type == type) return i;
    return std::nullopt;
  }
  // The sample type pprof shows when none is asked for: default_sample_type, else the last.
  std::optional<size_t> default_sample_type_index() const {
    if (!data_.default_sample_type.empty()) return sample_type_index(data_.default_sample_type);
    if (data_.sample_types.empty()) return std::nullopt;
    return data_.sample_types.size() - 1;
  }

  // nullptr when no entry has this id.
  const Location* location(uint64_t id) const { return find(data_.locations, location_index_, id); }
  const Function* function(uint64_t id) const { return find(data_.functions, function_index_, id); }
  const Mapping* mapping(uint64_t id) const { return find(data_.mappings, mapping_index_, id); }

  friend bool operator==(const Profile& a, const Profile& b) { return a.data_ == b.data_; }

 private:
  using IdIndex = std::unordered_map<uint64_t, size_t>;

  template <typename T>
  static void index_ids(const std::vector<T>& items, const char* what, IdIndex& index) {
    index.reserve(items.size());
    for (size_t i = 0; i < items.size(); i++) {
      if (items[i].id == 0)
        throw std::invalid_argument(std::string(what) + " at index " + std::to_string(i) +
                                    " has id 0, which pprof reserves");
      if (!index.emplace(items[i].id, i).second)
        throw std::invalid_argument("duplicate " + std::string(what) + " id " +
                                    std::to_string(items[i].id));
    }
  }

  template <typename T>
  static const T* find(const std::vector<T>& items, const IdIndex& index, uint64_t id) {
    auto it = index.find(id);
    return it == index.end() ? nullptr : &items[it->second];
  }

  ProfileData data_;
  IdIndex location_index_;
  IdIndex function_index_;
  IdIndex mapping_index_;
};

}  // namespace leakseek::profiles
