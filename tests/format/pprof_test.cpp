// The pprof reader and writer: round trips, what `go tool pprof` makes of our output, profiles
// written by Go 1.19 and 1.23 themselves, wire-format variants, and bad input.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>

#include "format/pprof_reader.h"
#include "format/pprof_writer.h"
#include "support/fixtures.h"
#include "support/pprof_example.h"
#include "support/pprof_go_tool.h"
#include "support/pprof_wire.h"
#include "util/input_error.h"

namespace leakseek {
namespace {

using profiles::Profile;
using profiles::ProfileData;
using test::ProtoBytes;

std::span<const uint8_t> as_bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

Profile read(const std::string& bytes, const format::PprofReadOptions& options = {}) {
  return format::read_pprof(as_bytes(bytes), "test.pb.gz", options);
}

// The message of the InputError that reading `bytes` throws, or "" (a failure) if none.
std::string read_error(const std::string& bytes, const format::PprofReadOptions& options = {}) {
  try {
    read(bytes, options);
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "test.pb.gz");
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no InputError";
  return "";
}

void expect_same(const ProfileData& a, const ProfileData& b) {
  EXPECT_EQ(a.sample_types, b.sample_types);
  EXPECT_EQ(a.samples, b.samples);
  EXPECT_EQ(a.mappings, b.mappings);
  EXPECT_EQ(a.locations, b.locations);
  EXPECT_EQ(a.functions, b.functions);
  EXPECT_EQ(a.comments, b.comments);
  EXPECT_EQ(a.drop_frames, b.drop_frames);
  EXPECT_EQ(a.keep_frames, b.keep_frames);
  EXPECT_EQ(a.time_nanos, b.time_nanos);
  EXPECT_EQ(a.duration_nanos, b.duration_nanos);
  EXPECT_EQ(a.period_type, b.period_type);
  EXPECT_EQ(a.period, b.period);
  EXPECT_EQ(a.default_sample_type, b.default_sample_type);
  EXPECT_EQ(a.doc_url, b.doc_url);
  EXPECT_TRUE(a == b);
}

int64_t total(const Profile& p, size_t type) {
  int64_t sum = 0;
  for (const auto& s : p.samples()) sum += s.values.at(type);
  return sum;
}

bool stack_has(const Profile& p, const profiles::Sample& s, const std::string& function) {
  for (uint64_t id : s.location_ids)
    for (const auto& line : p.location(id)->lines)
      if (p.function(line.function_id)->name == function) return true;
  return false;
}

// ---- Round trips and the model ----

TEST(PprofRoundTrip, EveryFieldSurvivesGzipped) {
  Profile original(test::example_profile_data());
  std::string bytes = format::write_pprof(original);
  ASSERT_GE(bytes.size(), 2u);
  EXPECT_EQ(static_cast<uint8_t>(bytes[0]), 0x1f);
  EXPECT_EQ(static_cast<uint8_t>(bytes[1]), 0x8b);
  expect_same(read(bytes).data(), original.data());
}

TEST(PprofRoundTrip, EveryFieldSurvivesUncompressed) {
  ProfileData data = test::example_profile_data();
  // Diff profiles carry negative values; labels may hold any bytes, not only UTF-8.
  data.samples.push_back(
      {{11}, {-3, -96, -1, -32}, {{"blob", std::string("\xff\x00\xfe", 3), 0, ""}}});
  data.functions[0].start_line = -1;
  Profile original(data);
  std::string bytes = format::write_pprof(original, /*gzip=*/false);
  EXPECT_NE(static_cast<uint8_t>(bytes[0]), 0x1f);
  expect_same(read(bytes).data(), data);
}

TEST(PprofRoundTrip, EmptyProfile) {
  Profile empty{ProfileData{}};
  expect_same(read(format::write_pprof(empty)).data(), ProfileData{});
  expect_same(read(format::write_pprof(empty, false)).data(), ProfileData{});
}

TEST(PprofModel, LooksUpByIdAndSampleTypeName) {
  Profile p(test::example_profile_data());
  EXPECT_EQ(p.sample_type_index("inuse_space"), 3u);
  EXPECT_EQ(p.sample_type_index("alloc_objects"), 0u);
  EXPECT_EQ(p.sample_type_index("cpu"), std::nullopt);
  EXPECT_EQ(p.default_sample_type_index(), 1u);
  ASSERT_NE(p.function(7), nullptr);
  EXPECT_EQ(p.function(7)->name, "main.inlined");
  EXPECT_EQ(p.function(4), nullptr);
  ASSERT_NE(p.location(13), nullptr);
  EXPECT_TRUE(p.location(13)->is_folded);
  EXPECT_EQ(p.location(1), nullptr);
  ASSERT_NE(p.mapping(2), nullptr);
  EXPECT_EQ(p.mapping(2)->filename, "[vdso]");

  ProfileData no_default = test::example_profile_data();
  no_default.default_sample_type.clear();
  EXPECT_EQ(Profile(no_default).default_sample_type_index(), 3u);
  EXPECT_EQ(Profile(ProfileData{}).default_sample_type_index(), std::nullopt);
}

TEST(PprofModel, LookupsSurviveMovingTheProfile) {
  Profile a(test::example_profile_data());
  Profile b = std::move(a);
  ASSERT_NE(b.function(1), nullptr);
  EXPECT_EQ(b.function(1)->name, "main.leakyAlloc");
}

TEST(PprofModel, RejectsDuplicateAndZeroIds) {
  ProfileData dup = test::example_profile_data();
  dup.functions.push_back({2, "again", "", "", 0});
  EXPECT_THROW(Profile{dup}, std::invalid_argument);
  ProfileData zero = test::example_profile_data();
  zero.locations[1].id = 0;
  EXPECT_THROW(Profile{zero}, std::invalid_argument);
}

// ---- What go tool pprof reads from our writer ----

TEST(PprofGoTool, ReadsOurProfile) {
  Profile p(test::example_profile_data());
  std::string path = test::write_temp(format::write_pprof(p), ".pb.gz");
  auto raw = test::go_pprof_raw(path);
  EXPECT_EQ(raw.sample_types,
            (std::vector<std::string>{"alloc_objects/count", "alloc_space/bytes",
                                      "inuse_objects/count", "inuse_space/bytes"}));
  const auto& t = test::kExampleTotals;
  EXPECT_EQ(raw.totals,
            (std::vector<int64_t>{t.alloc_objects, t.alloc_space, t.inuse_objects, t.inuse_space}));
  EXPECT_EQ(raw.marked_default, 1u);
  EXPECT_EQ(raw.sample_count, 3u);
  for (const char* text :
       {"PeriodType: space bytes", "Period: 524288", "main.leakyAlloc", "main.inlined", "main.main",
        "runtime.main", "/src/leaky/main.go", "worker:[leakseek]", "/usr/local/bin/leaky"})
    EXPECT_NE(raw.text.find(text), std::string::npos) << text << " not in\n" << raw.text;

  // With no -sample_index, pprof shows our default_sample_type (alloc_space, not the last).
  EXPECT_EQ(test::go_pprof_top_total(path), t.alloc_space);
  EXPECT_EQ(test::go_pprof_top_total(path, "inuse_space"), t.inuse_space);
  EXPECT_EQ(test::go_pprof_top_total(path, "alloc_objects"), t.alloc_objects);

  // Inlined frames are innermost first: the 4096000 bytes belong to main.inlined (flat), called
  // from main.leakyAlloc.
  std::string top = test::go_pprof({"-top", "-unit=B", "-sample_index=inuse_space", path});
  std::regex inlined_flat(R"(\n\s*4096000B\s.*main\.inlined( \(inline\))?\n)");
  EXPECT_TRUE(std::regex_search(top, inlined_flat)) << top;
  std::filesystem::remove(path);
}

// ---- Profiles written by Go itself (testdata/go/profilefixture) ----

class GoProfiles : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { facts = test::fixture_facts(GetParam(), "profilefixture"); }
  std::string path(const std::string& kind) const {
    return test::fixture_dir() + "/" + GetParam() + "/" +
           facts["profiles"][kind].get<std::string>();
  }
  // Our totals for every sample type equal the sums `go tool pprof -raw` lists, and the
  // total `-top` reports for the default sample type.
  void expect_go_tool_agrees(const std::string& file, const Profile& p) {
    auto raw = test::go_pprof_raw(file);
    ASSERT_EQ(raw.sample_types.size(), p.sample_types().size());
    for (size_t i = 0; i < p.sample_types().size(); i++) {
      const auto& t = p.sample_types()[i];
      EXPECT_EQ(raw.sample_types[i], t.type + "/" + t.unit);
      EXPECT_EQ(raw.totals[i], total(p, i)) << t.type;
    }
    EXPECT_EQ(raw.sample_count, p.samples().size());
    if (!p.default_sample_type().empty()) {
      EXPECT_EQ(raw.marked_default, p.sample_type_index(p.default_sample_type()));
    }
    auto def = p.default_sample_type_index();
    ASSERT_TRUE(def.has_value());
    EXPECT_EQ(test::go_pprof_top_total(file), total(p, *def));
  }

  nlohmann::json facts;
};

TEST_P(GoProfiles, HeapProfileHasTheLeak) {
  Profile p = format::read_pprof_file(path("heap"));
  std::vector<profiles::ValueType> types = {{"alloc_objects", "count"},
                                            {"alloc_space", "bytes"},
                                            {"inuse_objects", "count"},
                                            {"inuse_space", "bytes"}};
  EXPECT_EQ(p.sample_types(), types);
  EXPECT_EQ(p.period_type(), (profiles::ValueType{"space", "bytes"}));
  EXPECT_EQ(p.period(), facts["mem_profile_rate"].get<int64_t>());
  // Go names no default for heap profiles, so pprof shows the last type, inuse_space.
  EXPECT_EQ(p.default_sample_type(), "");
  EXPECT_EQ(p.default_sample_type_index(), 3u);
  EXPECT_GT(p.time_nanos(), 0);

  const auto& leaky = facts["leaky"];
  const size_t inuse_space = *p.sample_type_index("inuse_space");
  const size_t inuse_objects = *p.sample_type_index("inuse_objects");
  const size_t alloc_space = *p.sample_type_index("alloc_space");
  int64_t leaky_inuse = 0, transient_alloc = 0, transient_inuse = 0;
  bool exact_bucket = false;
  for (const auto& s : p.samples()) {
    if (stack_has(p, s, leaky["function"].get<std::string>())) {
      leaky_inuse += s.values[inuse_space];
      // Go keys heap samples by stack and object size, and labels each with "bytes" = size.
      if (s.labels ==
          std::vector<profiles::Label>{{"bytes", "", leaky["size"].get<int64_t>(), ""}}) {
        exact_bucket = true;
        EXPECT_EQ(s.values[inuse_objects], leaky["count"].get<int64_t>());
        EXPECT_EQ(s.values[inuse_space], leaky["bytes"].get<int64_t>());
      }
    }
    // Only the buffers themselves (their size in the "bytes" label): a collection that starts
    // inside the loop may charge a few runtime allocations of its own to this stack.
    if (stack_has(p, s, facts["transient"]["function"].get<std::string>()) &&
        s.labels == std::vector<profiles::Label>{
                        {"bytes", "", facts["transient"]["size"].get<int64_t>(), ""}}) {
      transient_alloc += s.values[alloc_space];
      transient_inuse += s.values[inuse_space];
    }
  }
  EXPECT_GE(leaky_inuse, leaky["bytes"].get<int64_t>());
  EXPECT_TRUE(exact_bucket);
  EXPECT_GE(transient_alloc, facts["transient"]["bytes"].get<int64_t>());
  EXPECT_EQ(transient_inuse, 0);

  // Every location Go writes resolves, with functions named as Go prints them.
  const auto* main_mapping = p.mapping(1);
  ASSERT_NE(main_mapping, nullptr);
  EXPECT_TRUE(main_mapping->has_functions);
  EXPECT_EQ(std::filesystem::path(main_mapping->filename).filename(), "profilefixture");

  expect_go_tool_agrees(path("heap"), p);
}

TEST_P(GoProfiles, AllocsProfileDefaultsToAllocSpace) {
  Profile p = format::read_pprof_file(path("allocs"));
  EXPECT_EQ(p.sample_types().size(), 4u);
  EXPECT_EQ(p.default_sample_type(), "alloc_space");
  EXPECT_EQ(p.default_sample_type_index(), 1u);
  expect_go_tool_agrees(path("allocs"), p);
}

TEST_P(GoProfiles, GoroutineProfileHasLabelledWorkers) {
  Profile p = format::read_pprof_file(path("goroutine"));
  EXPECT_EQ(p.sample_types(), (std::vector<profiles::ValueType>{{"goroutine", "count"}}));
  const auto& w = facts["workers"];
  bool found = false;
  for (const auto& s : p.samples()) {
    if (!stack_has(p, s, w["function"].get<std::string>())) continue;
    found = true;
    EXPECT_EQ(s.values[0], w["count"].get<int64_t>());
    profiles::Label label{w["label_key"].get<std::string>(), w["label_value"].get<std::string>(), 0,
                          ""};
    EXPECT_EQ(s.labels, std::vector<profiles::Label>{label});
  }
  EXPECT_TRUE(found);
  expect_go_tool_agrees(path("goroutine"), p);
}

TEST_P(GoProfiles, RewritingKeepsEverythingAndGoAgrees) {
  for (const char* kind : {"heap", "allocs", "goroutine"}) {
    SCOPED_TRACE(kind);
    Profile p = format::read_pprof_file(path(kind));
    std::string rewritten = test::write_temp(format::write_pprof(p), ".pb.gz");
    Profile again = format::read_pprof_file(rewritten);
    expect_same(again.data(), p.data());
    expect_go_tool_agrees(rewritten, again);
    std::filesystem::remove(rewritten);
  }
}

INSTANTIATE_TEST_SUITE_P(Go, GoProfiles, ::testing::ValuesIn(test::go_versions()));

// ---- Wire-format variants Go produces ----

// Profile field numbers, from profile.proto.
enum : int {
  kSampleType = 1,
  kSample = 2,
  kMapping = 3,
  kLocation = 4,
  kFunction = 5,
  kStringTable = 6,
  kTimeNanos = 9,
  kPeriodType = 11,
  kPeriod = 12,
  kComment = 13,
  kDefaultSampleType = 14,
};

// A one-function profile, with each piece as a separate message so tests can reorder them.
struct Pieces {
  std::vector<std::string> strings = {"", "objects", "count", "space", "bytes", "main.f", "f.go"};
  ProtoBytes sample_type(int64_t type, int64_t unit) const {
    return ProtoBytes().varint(1, type).varint(2, unit);
  }
  ProtoBytes function(uint64_t id = 3, uint64_t name = 5) const {
    return ProtoBytes().varint(1, id).varint(2, name).varint(4, 6).varint(5, 7);
  }
  ProtoBytes location(uint64_t id, uint64_t function_id = 3) const {
    return ProtoBytes()
        .varint(1, id)
        .varint(3, 0x1000 + id)
        .message(4, ProtoBytes().varint(1, function_id).varint(2, 10 + id));
  }
  ProtoBytes& string_table(ProtoBytes& out) const {
    for (const auto& s : strings) out.bytes(kStringTable, s);
    return out;
  }
};

ProfileData expected_small_profile() {
  ProfileData d;
  d.sample_types = {{"objects", "count"}, {"space", "bytes"}};
  d.functions = {{3, "main.f", "", "f.go", 7}};
  d.locations = {{1, 0, 0x1001, {{3, 11, 0}}, false},
                 {2, 0, 0x1002, {{3, 12, 0}}, false},
                 {4, 0, 0x1004, {{3, 14, 0}}, false}};
  d.samples = {{{1, 2}, {5, 500}, {}}, {{4, 2, 1}, {7, 700}, {}}};
  d.period_type = {"space", "bytes"};
  d.period = 512;
  return d;
}

TEST(PprofWire, PackedAndUnpackedRepeatedFieldsInAnyOrder) {
  Pieces p;
  // Go's order: types, then samples interleaved with the locations and functions they need,
  // then the string table last. Two values or ids are unpacked, three are packed.
  ProtoBytes go_order;
  go_order.message(kSampleType, p.sample_type(1, 2)).message(kSampleType, p.sample_type(3, 4));
  go_order.varint(kTimeNanos, 0).message(kPeriodType, p.sample_type(3, 4)).varint(kPeriod, 512);
  go_order.message(kSample, ProtoBytes().unpacked(1, {1, 2}).unpacked(2, {5, 500}));
  go_order.message(kLocation, p.location(1)).message(kLocation, p.location(2));
  go_order.message(kFunction, p.function());
  go_order.message(kSample, ProtoBytes().packed(1, {4, 2, 1}).unpacked(2, {7, 700}));
  go_order.message(kLocation, p.location(4));
  p.string_table(go_order);

  // The string table first, every repeated scalar packed, fields in reverse order.
  ProtoBytes other_order;
  p.string_table(other_order);
  other_order.message(kFunction, p.function());
  other_order.message(kLocation, p.location(4))
      .message(kLocation, p.location(1))
      .message(kLocation, p.location(2));
  other_order.varint(kPeriod, 512).message(kPeriodType, p.sample_type(3, 4));
  other_order.message(kSample, ProtoBytes().packed(2, {5, 500}).packed(1, {1, 2}));
  other_order.message(kSample, ProtoBytes().packed(2, {7, 700}).packed(1, {4, 2, 1}));
  other_order.message(kSampleType, p.sample_type(1, 2)).message(kSampleType, p.sample_type(3, 4));

  ProfileData want = expected_small_profile();
  Profile a = read(go_order.str());
  expect_same(a.data(), want);
  Profile b = read(test::gzip_member(other_order.str()));
  ProfileData want_b = want;
  want_b.locations = {want.locations[2], want.locations[0], want.locations[1]};
  expect_same(b.data(), want_b);
  EXPECT_EQ(b.location(4)->address, 0x1004u);
}

TEST(PprofWire, ConcatenatedGzipMembersAreOneProfile) {
  std::string raw = format::write_pprof(Profile(test::example_profile_data()), false);
  std::string two = test::gzip_member(raw.substr(0, raw.size() / 3)) +
                    test::gzip_member(raw.substr(raw.size() / 3));
  expect_same(read(two).data(), test::example_profile_data());
}

TEST(PprofWire, UnknownFieldsAreSkipped) {
  Pieces p;
  ProtoBytes b;
  b.varint(99, 7).bytes(100, "future field").message(kFunction, p.function().varint(50, 1));
  p.string_table(b);
  Profile profile = read(b.str());
  ASSERT_EQ(profile.functions().size(), 1u);
  EXPECT_EQ(profile.functions()[0].name, "main.f");
}

// ---- Bad input ----

TEST(PprofErrors, TruncatedGzip) {
  std::string gz = format::write_pprof(Profile(test::example_profile_data()));
  for (size_t keep : {size_t{2}, size_t{10}, gz.size() / 2, gz.size() - 1})
    EXPECT_EQ(read_error(gz.substr(0, keep)), "gzip: truncated compressed data") << keep;
}

TEST(PprofErrors, CorruptGzip) {
  std::string gz = format::write_pprof(Profile(test::example_profile_data()));
  std::string bad_crc = gz;
  bad_crc[bad_crc.size() - 6] ^= 0x55;
  EXPECT_EQ(read_error(bad_crc), "gzip: corrupt data: incorrect data check");
  std::string bad_header = gz;
  bad_header[2] = 7;  // compression method must be 8 (deflate)
  EXPECT_EQ(read_error(bad_header).rfind("gzip: corrupt data: ", 0), 0u);
}

TEST(PprofErrors, TrailingBytesAfterGzip) {
  std::string gz = format::write_pprof(Profile(test::example_profile_data()));
  EXPECT_EQ(read_error(gz + "junk"), "gzip: trailing bytes after the compressed data");
}

TEST(PprofErrors, DecompressedSizeIsCapped) {
  std::string raw = format::write_pprof(Profile(test::example_profile_data()), false);
  std::string gz = test::gzip_member(raw);
  EXPECT_EQ(read_error(gz, {.max_decompressed_bytes = raw.size() - 1}),
            "gzip: decompressed profile is larger than the limit of " +
                std::to_string(raw.size() - 1) + " bytes");
  // Exactly at the limit is fine.
  EXPECT_EQ(read(gz, {.max_decompressed_bytes = raw.size()}).samples().size(), 3u);
  // A zip bomb: a megabyte of zeros in about a kilobyte.
  std::string bomb = test::gzip_member(std::string(1 << 20, '\0'));
  EXPECT_LT(bomb.size(), 2000u);
  EXPECT_NE(read_error(bomb, {.max_decompressed_bytes = 4096}).find("larger than the limit"),
            std::string::npos);
}

TEST(PprofErrors, GarbageBytes) {
  EXPECT_EQ(read_error("\xff\xff\xff\xff garbage"),
            "not a pprof profile: invalid protobuf encoding");
  EXPECT_EQ(read_error(test::gzip_member("\x0f\x01\x02")),
            "not a pprof profile: invalid protobuf encoding");
  // A length running past the end.
  EXPECT_EQ(read_error(ProtoBytes().bytes(kSample, "abc").str().substr(0, 3)),
            "not a pprof profile: invalid protobuf encoding");
}

TEST(PprofErrors, EmptyInput) {
  EXPECT_EQ(read_error(""), "empty profile");
  EXPECT_EQ(read_error(test::gzip_member("")), "empty profile");
}

TEST(PprofErrors, TextProfile) {
  EXPECT_EQ(read_error("heap profile: 3: 1024 [5: 2048] @ heap/524288\n"),
            "this is a text heap profile (debug=1 or 2); leakseek reads the protobuf form "
            "(debug=0)");
  EXPECT_NE(read_error("goroutine profile: total 4\n").find("text goroutine profile"),
            std::string::npos);
}

TEST(PprofErrors, StringTableMustStartEmpty) {
  EXPECT_EQ(read_error(ProtoBytes().varint(kPeriod, 5).str()),
            "string_table is empty (entry 0 must be \"\")");
  EXPECT_EQ(read_error(ProtoBytes().bytes(kStringTable, "x").str()),
            "string_table entry 0 is not \"\"");
}

TEST(PprofErrors, BadStringIndex) {
  Pieces p;
  ProtoBytes b;
  b.message(kFunction, p.function(3, 500));
  p.string_table(b);
  EXPECT_EQ(read_error(b.str()),
            "string_table index 500 out of range in function 3 name (the table has 7 entries)");

  ProtoBytes negative;
  negative.message(kSampleType, p.sample_type(1, static_cast<uint64_t>(int64_t{-1})));
  p.string_table(negative);
  EXPECT_EQ(read_error(negative.str()),
            "string_table index -1 out of range in sample_type 0 unit (the table has 7 entries)");

  ProtoBytes label;
  label.message(kSample, ProtoBytes().message(3, ProtoBytes().varint(1, 1).varint(2, 7)));
  p.string_table(label);
  EXPECT_EQ(read_error(label.str()),
            "string_table index 7 out of range in sample 0 label str (the table has 7 entries)");

  ProtoBytes comment;
  comment.unpacked(kComment, {1, 70}).varint(kDefaultSampleType, 1);
  p.string_table(comment);
  EXPECT_EQ(read_error(comment.str()),
            "string_table index 70 out of range in comment 1 (the table has 7 entries)");
}

// A profile with one sample type, one function (id 3) and locations 1 and 2, plus `extra`.
std::string small_profile_with(const ProtoBytes& extra) {
  Pieces p;
  ProtoBytes b;
  b.message(kSampleType, p.sample_type(1, 2));
  b.message(kFunction, p.function()).message(kLocation, p.location(1));
  b.message(kLocation, p.location(2));
  b.append(extra.str());
  p.string_table(b);
  return b.str();
}

TEST(PprofErrors, BadLocationId) {
  ProtoBytes samples;
  samples.message(kSample, ProtoBytes().unpacked(1, {1, 2}).varint(2, 1));
  samples.message(kSample, ProtoBytes().packed(1, {2, 99, 1}).varint(2, 1));
  EXPECT_EQ(read_error(small_profile_with(samples)), "sample 1: location id 99 not found");
}

TEST(PprofErrors, ValueCountMustMatchSampleTypes) {
  ProtoBytes samples;
  samples.message(kSample, ProtoBytes().unpacked(1, {1}).unpacked(2, {1, 2}));
  EXPECT_EQ(read_error(small_profile_with(samples)), "sample 0: 2 values but 1 sample types");
}

TEST(PprofErrors, BadFunctionOrMappingId) {
  Pieces p;
  EXPECT_EQ(read_error(small_profile_with(ProtoBytes().message(kLocation, p.location(5, 8)))),
            "location 5 line 0: function id 8 not found");
  ProtoBytes mapped = ProtoBytes().message(kLocation, p.location(6).varint(2, 4));
  EXPECT_EQ(read_error(small_profile_with(mapped)), "location 6: mapping id 4 not found");
}

TEST(PprofErrors, DuplicateOrZeroIds) {
  Pieces p;
  EXPECT_EQ(read_error(small_profile_with(ProtoBytes().message(kLocation, p.location(2)))),
            "duplicate location id 2");
  EXPECT_EQ(read_error(small_profile_with(ProtoBytes().message(kFunction, p.function(0)))),
            "function at index 1 has id 0, which pprof reserves");
  EXPECT_EQ(
      read_error(small_profile_with(ProtoBytes().message(kMapping, ProtoBytes().varint(2, 1)))),
      "mapping at index 0 has id 0, which pprof reserves");
}

TEST(PprofErrors, MissingFileNamesThePath) {
  try {
    format::read_pprof_file("/nonexistent/leakseek.pb.gz");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "/nonexistent/leakseek.pb.gz");
  }
}

}  // namespace
}  // namespace leakseek
