// Runtime type descriptors of the typefixture program (testdata/go/typefixture): every type
// address its heap dump mentions gets a name, and the DWARF type behind it. Runs once per Go
// version.
#include "binary/runtime_types.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <regex>

#include "heap/heap_loader.h"
#include "support/fixtures.h"
#include "util/input_error.h"

namespace leakseek {
namespace {

using binary::DwarfTypes;
using binary::kNoType;
using binary::RuntimeTypes;

// Go >= 1.22 puts a malloc header (the type descriptor address) in front of pointerful objects
// over 512 bytes that fit a size class.
bool has_malloc_headers(const std::string& go) {
  return go >= "go1.22";
}

// The dump names named types by full import path ("internal/poll.errNetClosing") and cuts
// unnamed pointer types after the package ("encoding/json."); Go prints "poll.errNetClosing"
// and "*json.SyntaxError".
bool same_as_dumped(const std::string& ours, std::string dumped) {
  // A major-version suffix is not the package's name: encoding/json/v2 is package json.
  static const std::regex major_version("/v[0-9]+\\.$");
  dumped = std::regex_replace(dumped, major_version, ".");
  if (auto slash = dumped.rfind('/'); slash != std::string::npos) dumped.erase(0, slash + 1);
  if (dumped.empty() || dumped.back() != '.') return ours == dumped;
  std::string bare = ours.substr(ours.find_first_not_of('*'));
  return bare.compare(0, dumped.size(), dumped) == 0;
}

// "*internal/poll.FD" -> "*poll.FD": DWARF spells import paths, Go prints package names.
// "noalg." is the linker's DWARF-only mark on its map types; "encoding/json/v2.T" is "json.T".
std::string without_import_paths(const std::string& s) {
  static const std::regex noalg("noalg\\."), major_version("/v[0-9]+\\."),
      dirs("[A-Za-z0-9_.\\-]+/");
  return std::regex_replace(
      std::regex_replace(std::regex_replace(s, noalg, ""), major_version, "."), dirs, "");
}

class RuntimeTypesFixture : public ::testing::TestWithParam<std::string> {
 protected:
  bool dwarf_prunes_types() const { return test::go_of(GetParam()) >= "go1.27"; }
  void SetUp() override {
    facts = test::fixture_facts(GetParam(), "typefixture");
    std::string bin = test::fixture_path(GetParam(), "typefixture");
    dwarf = std::make_unique<DwarfTypes>(DwarfTypes::load(bin));
    types = std::make_unique<RuntimeTypes>(RuntimeTypes::load(bin, *dwarf));
    model = std::make_unique<heap::HeapModel>(
        heap::load_heap_dump(test::fixture_path(GetParam(), "typefixture", "dump")));
  }
  heap::ObjectId object(const char* key) const {
    return model->find(test::hex_addr(facts["objects"][key]["ptr"]));
  }
  uint64_t first_word(heap::ObjectId id) const {
    return model->word_at(model->object_contents[id], 0);
  }

  nlohmann::json facts;
  std::unique_ptr<DwarfTypes> dwarf;
  std::unique_ptr<RuntimeTypes> types;
  std::unique_ptr<heap::HeapModel> model;
};

TEST_P(RuntimeTypesFixture, FindsTheDescriptorArea) {
  EXPECT_TRUE(types->available());
  EXPECT_TRUE(types->limitations().empty());
  EXPECT_EQ(types->go_version(), facts["go_version"].get<std::string>());
  EXPECT_GT(types->types_end(), types->types_begin());
}

// Every DWARF type with DW_AT_go_runtime_type lands on a readable descriptor of the same size:
// the offsets are counted from runtime.types (and Go 1.19's absolute uintptr is understood).
TEST_P(RuntimeTypesFixture, DwarfOffsetsLandOnMatchingDescriptors) {
  EXPECT_EQ(types->linked_dwarf_types(), dwarf->by_runtime_type().size());
  EXPECT_EQ(types->size_mismatches(), 0u);
  size_t same = 0;
  std::vector<std::string> different;
  for (auto [raw, id] : dwarf->by_runtime_type()) {
    const auto& t = dwarf->type(id);
    auto addr = types->descriptor_addr(id);
    ASSERT_TRUE(addr.has_value()) << t.name;
    auto d = types->descriptor(*addr);
    ASSERT_TRUE(d.has_value()) << t.name;
    EXPECT_EQ(d->size, t.size) << t.name;
    EXPECT_EQ(types->dwarf_type(*addr), id);
    // DWARF spells the linker's own map types with a "noalg." prefix the descriptor lacks.
    if (t.name.find("main.") != std::string::npos && !t.name.starts_with("noalg.")) {
      EXPECT_EQ(d->name, t.name);
    }
    same += without_import_paths(t.name) == d->name;
    if (without_import_paths(t.name) != d->name && different.size() < 20)
      different.push_back(t.name + " / " + d->name);
  }
  // The rest are DWARF-only spellings: "noalg." prefixes, package-qualified field names.
  EXPECT_GT(same * 10, dwarf->by_runtime_type().size() * 9) << ::testing::PrintToString(different);
  RecordProperty("dwarf_names_equal_to_descriptor_names", std::to_string(same));
}

TEST_P(RuntimeTypesFixture, UintptrIsLinkedInEveryVersion) {
  auto id = dwarf->find("uintptr");
  ASSERT_NE(id, kNoType);
  auto addr = types->descriptor_addr(id);
  ASSERT_TRUE(addr.has_value());
  EXPECT_EQ(types->resolve(*addr).name, "uintptr");
}

TEST_P(RuntimeTypesFixture, BigObjectsHeaderNamesItsType) {
  heap::ObjectId big = object("big");
  ASSERT_NE(big, heap::kNoObject);
  uint64_t ptr = test::hex_addr(facts["objects"]["big"]["ptr"]);
  auto r = types->resolve(first_word(big));
  if (!has_malloc_headers(GetParam())) {
    // No header: the first word is the Owner field, a heap pointer.
    EXPECT_EQ(model->object_addr[big], ptr);
    EXPECT_TRUE(r.name.empty());
    EXPECT_EQ(r.dwarf, kNoType);
    return;
  }
  EXPECT_EQ(model->object_addr[big] + 8, ptr);
  EXPECT_EQ(r.name, "main.Big");
  EXPECT_EQ(r.dwarf, dwarf->find("main.Big"));
  auto d = types->descriptor(first_word(big));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->size, facts["types"]["big"]["size"].get<uint64_t>());
  EXPECT_EQ(d->kind, 25);  // struct
  EXPECT_GT(d->ptr_bytes, 0u);
}

// A []Session backing array over 512 bytes: the header names the element type.
TEST_P(RuntimeTypesFixture, SliceBackingArrayHeaderNamesItsElementType) {
  heap::ObjectId arr = object("sessions_array");
  ASSERT_NE(arr, heap::kNoObject);
  auto r = types->resolve(first_word(arr));
  if (!has_malloc_headers(GetParam())) {
    // No header: the first word is sessions[0].ID's bytes, on the heap.
    EXPECT_EQ(model->object_addr[arr], test::hex_addr(facts["objects"]["sessions_array"]["ptr"]));
    EXPECT_TRUE(r.name.empty());
    return;
  }
  EXPECT_EQ(r.name, facts["objects"]["sessions_array"]["type"].get<std::string>());
  EXPECT_EQ(r.dwarf, dwarf->find("main.Session"));
}

TEST_P(RuntimeTypesFixture, ItabTypesResolveLikeTheDumpNamesThem) {
  std::map<uint64_t, std::string> dumped;
  for (const auto& t : model->types) dumped[t.addr] = std::string(t.name);
  ASSERT_FALSE(model->itabs.empty());
  bool session = false;
  for (const auto& itab : model->itabs) {
    auto r = types->resolve(itab.type);
    EXPECT_FALSE(r.name.empty()) << std::hex << itab.type;
    // Go 1.27's linker leaves out the DWARF of types only descriptors refer to.
    if (!dwarf_prunes_types()) EXPECT_NE(r.dwarf, kNoType) << r.name;
    if (r.name.starts_with("*main.") || r.name.starts_with("main.")) EXPECT_NE(r.dwarf, kNoType);
    ASSERT_TRUE(dumped.count(itab.type));
    EXPECT_TRUE(same_as_dumped(r.name, dumped[itab.type])) << r.name << " vs " << dumped[itab.type];
    session |= r.name == facts["objects"]["stringer_value"]["type"].get<std::string>();
  }
  EXPECT_TRUE(session) << "no itab for *main.Session (fmt.Stringer)";
}

TEST_P(RuntimeTypesFixture, FinalizerTypesResolve) {
  uint64_t obj = test::hex_addr(facts["objects"]["with_finalizer"]["ptr"]);
  auto f = std::find_if(model->finalizers.begin(), model->finalizers.end(),
                        [&](const auto& f) { return f.object == obj; });
  ASSERT_NE(f, model->finalizers.end());
  EXPECT_EQ(types->resolve(f->fint).name, "*main.Session");
  EXPECT_EQ(types->resolve(f->ot).name, "*main.Session");
  EXPECT_EQ(types->resolve(f->ot).dwarf, dwarf->find("*main.Session"));
}

// Every descriptor address in the dump: type records, itabs, finalizers and (Go >= 1.22)
// malloc headers. All get a name; all but the compiler's map bucket types have DWARF.
TEST_P(RuntimeTypesFixture, EveryDescriptorInTheDumpGetsAName) {
  std::map<uint64_t, bool> seen;  // address -> seen as a malloc header only
  for (const auto& t : model->types) seen[t.addr] = false;
  for (const auto& i : model->itabs) seen[i.type] = false;
  for (const auto* list : {&model->finalizers, &model->queued_finalizers}) {
    for (const auto& f : *list) seen[f.fint] = seen[f.ot] = false;
  }
  if (has_malloc_headers(GetParam())) {
    for (heap::ObjectId i = 0; i < model->object_count(); i++) {
      uint64_t size = model->size(i);
      if (size <= 512 || size > 32768 || model->pointer_offsets(i).empty()) continue;
      seen.emplace(first_word(i), true);
    }
  }
  size_t named = 0, with_dwarf = 0, headers = 0;
  for (auto [addr, header] : seen) {
    auto r = types->resolve(addr);
    EXPECT_FALSE(r.name.empty()) << std::hex << addr;
    named += !r.name.empty();
    with_dwarf += r.dwarf != kNoType;
    headers += header;
    if (r.dwarf == kNoType && !dwarf_prunes_types())
      EXPECT_EQ(r.name.rfind("map.bucket[", 0), 0u) << r.name;
  }
  // Even where the DWARF is pruned, most of what the dump names has it.
  EXPECT_GT(with_dwarf * 10, named * 8);
  EXPECT_EQ(named, seen.size());
  if (has_malloc_headers(GetParam())) EXPECT_GT(headers, 5u);
  RecordProperty("descriptors", std::to_string(seen.size()));
  RecordProperty("named", std::to_string(named));
  RecordProperty("with_dwarf", std::to_string(with_dwarf));
}

TEST_P(RuntimeTypesFixture, NonDescriptorsStayUnnamed) {
  EXPECT_FALSE(types->descriptor(0).has_value());
  EXPECT_FALSE(types->descriptor(types->types_end()).has_value());
  EXPECT_FALSE(types->descriptor(types->types_begin() + 1).has_value());  // misaligned
  // A heap address and a string's bytes in rodata are not descriptors.
  EXPECT_TRUE(types->resolve(test::hex_addr(facts["objects"]["big"]["ptr"])).name.empty());
  EXPECT_EQ(types->dwarf_type(types->types_begin()), kNoType);
}

INSTANTIATE_TEST_SUITE_P(Go, RuntimeTypesFixture, ::testing::ValuesIn(test::heap_fixture_sets()),
                         test::GoVersionName());

TEST(RuntimeTypeNames, DecodesBothLengthEncodings) {
  // Go >= 1.17: flag byte, uvarint length, bytes. 200 needs two varint bytes.
  std::string long_name(200, 'x');
  std::vector<uint8_t> v = {0x01, 0xc8, 0x01};
  v.insert(v.end(), long_name.begin(), long_name.end());
  EXPECT_EQ(binary::decode_type_name(v, true), long_name);
  // Before: flag byte, 2-byte big-endian length.
  std::vector<uint8_t> old = {0x00, 0x00, 0x04, '*', 'i', 'n', 't'};
  EXPECT_EQ(binary::decode_type_name(old, false), "*int");
  // Running off the end is no name.
  v.resize(100);
  EXPECT_FALSE(binary::decode_type_name(v, true).has_value());
  EXPECT_FALSE(binary::decode_type_name(std::vector<uint8_t>{0x01, 0x80}, true).has_value());
}

TEST(RuntimeTypesErrors, MissingOrNonElfFilesThrow) {
  DwarfTypes dwarf = DwarfTypes::load(test::fixture_path("go1.23", "typefixture"));
  EXPECT_THROW(RuntimeTypes::load("/nonexistent/leakseek-program", dwarf), InputError);
  std::string text = test::write_temp("not a program\n", ".txt");
  EXPECT_THROW(RuntimeTypes::load(text, dwarf), InputError);
  std::remove(text.c_str());
  std::ifstream in(test::fixture_path("go1.23", "typefixture"), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string cut = test::write_temp(bytes.substr(0, bytes.size() / 2), ".elf");
  EXPECT_THROW(RuntimeTypes::load(cut, dwarf), InputError);
  std::remove(cut.c_str());
}

}  // namespace
}  // namespace leakseek
