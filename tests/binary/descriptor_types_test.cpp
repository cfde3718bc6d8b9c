// Typing heap objects from runtime type descriptors alone, for programs built without DWARF:
// the type fixture rebuilt with -ldflags=-w and -s (Go 1.19 and 1.23), and, for an
// apples-to-apples check against DWARF, the shared fixture's own descriptors.
#include "binary/descriptor_types.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <random>

#include "heap/dominators.h"
#include "heap/heap_loader.h"
#include "heap/object_types.h"
#include "heap/root_groups.h"
#include "heap/type_histogram.h"
#include "support/fixture_variants.h"
#include "support/fixtures.h"
#include "util/input_error.h"

namespace leakseek {
namespace {

using binary::DwarfTypes;
using binary::kNoType;
using binary::RuntimeTypes;
using binary::TypeId;
using binary::TypeKind;
using heap::ObjectId;

// One rebuild per Go version and flags for the whole test program: each takes seconds.
class Variants {
 public:
  ~Variants() {
    for (const auto& d : dirs_) std::filesystem::remove_all(d);
  }
  std::string program(const std::string& go, const std::string& ldflags) {
    auto [it, added] = built_.try_emplace(go + " " + ldflags);
    if (added) {
      char tmpl[] = "/tmp/leakseek-desc-XXXXXX";
      if (!mkdtemp(tmpl)) return "";
      dirs_.push_back(tmpl);
      it->second = test::build_fixture_variant(go, "typefixture", ldflags, tmpl);
    }
    return it->second;
  }

 private:
  std::map<std::string, std::string> built_;
  std::vector<std::string> dirs_;
};
Variants variants;

// A program typed from its descriptors, as `leakseek heap --program` does without DWARF.
struct Typed {
  explicit Typed(const std::string& prog, const std::string& dump)
      : model(heap::load_heap_dump(dump)),
        empty(DwarfTypes::load(prog)),
        runtime(RuntimeTypes::load(prog, DwarfTypes())) {
    std::vector<uint64_t> seeds;
    for (const auto& it : model.itabs) seeds.push_back(it.type);
    for (const auto& f : model.finalizers) seeds.push_back(f.ot);
    table = binary::descriptor_types(empty, runtime, seeds);
    runtime.relink(table);
    types = heap::type_objects(model, table, runtime);
  }
  std::string name(ObjectId id) const {
    return id == heap::kNoObject ? "(no object)" : heap::object_type_name(table, types[id]);
  }
  ObjectId at(const nlohmann::json& addr) const { return model.find(test::hex_addr(addr)); }
  // The object a pointer field of typed object `id` refers to, by the field's name path.
  ObjectId via(ObjectId id, const std::string& path) const {
    for (uint64_t off : model.pointer_offsets(id))
      if (heap::field_path(table, types[id], off) == path)
        return model.find(model.word_at(model.object_contents[id], off));
    return heap::kNoObject;
  }
  // Share of live bytes typed, as `heap types` counts it.
  heap::TypeHistogram histogram() const {
    auto groups = heap::group_roots(model, nullptr);
    heap::RetentionGraph graph(model, groups);
    auto tree = heap::compute_dominators(graph);
    return heap::type_histogram(graph, tree, heap::dominator_children(tree), types);
  }

  heap::HeapModel model;
  DwarfTypes empty;
  RuntimeTypes runtime;
  DwarfTypes table;
  heap::ObjectTypes types;
};

class DescriptorTypes : public ::testing::TestWithParam<std::string> {
 protected:
  std::string build(const std::string& ldflags) {
    std::string prog = variants.program(GetParam(), ldflags);
    EXPECT_FALSE(prog.empty()) << "building typefixture with -ldflags=" << ldflags;
    return prog;
  }
  bool headers() const { return GetParam() >= "go1.22"; }
  bool swiss_maps() const { return test::go_of(GetParam()) >= "go1.24"; }
};

TEST_P(DescriptorTypes, StructLayoutsMatchTheFacts) {
  std::string prog = build("-w");
  ASSERT_FALSE(prog.empty());
  auto facts = nlohmann::json::parse(std::ifstream(prog + ".json"));
  auto runtime = RuntimeTypes::load(prog, DwarfTypes());
  auto table = binary::descriptor_types(DwarfTypes::load(prog), runtime);
  EXPECT_FALSE(table.has_dwarf());
  EXPECT_TRUE(table.globals().empty());
  for (const auto& [key, t] : facts["types"].items()) {
    auto id = table.find(t["name"].get<std::string>());
    ASSERT_NE(id, kNoType) << t["name"];
    const auto& g = table.type(id);
    EXPECT_EQ(g.kind, TypeKind::kStruct) << key;
    EXPECT_EQ(g.size, t["size"].get<uint64_t>()) << key;
    ASSERT_EQ(g.fields.size(), t["fields"].size()) << key;
    for (size_t i = 0; i < g.fields.size(); i++) {
      const auto& f = t["fields"][i];
      EXPECT_EQ(g.fields[i].name, f["name"].get<std::string>()) << key;
      EXPECT_EQ(g.fields[i].offset, f["offset"].get<uint64_t>()) << key << "." << f["name"];
      ASSERT_NE(g.fields[i].type, kNoType) << key << "." << f["name"];
      EXPECT_EQ(table.type(g.fields[i].type).name, f["type"].get<std::string>());
      EXPECT_EQ(g.fields[i].embedded, f["name"] == "Meta") << key << "." << f["name"];
    }
  }
  auto session = table.find("main.Session");
  ASSERT_NE(session, kNoType);
  EXPECT_TRUE(table.type(session).has_pointers);
  EXPECT_FALSE(table.type(table.find("main.Point")).has_pointers);
  // Session's words as the GC bitmap sees them: the same as from DWARF.
  auto dwarf = DwarfTypes::load(test::fixture_path(GetParam(), "typefixture"));
  EXPECT_EQ(table.pointer_offsets(session), dwarf.pointer_offsets(dwarf.find("main.Session")));
  // Interfaces say which are empty; maps and channels get the linker's runtime structs.
  EXPECT_TRUE(table.type(table.find("interface {}")).empty_interface);
  EXPECT_FALSE(table.type(table.find("fmt.Stringer")).empty_interface);
  // Go 1.24+ maps are Swiss tables: header, table and group reference instead of hmap and
  // buckets. The group is compared through the table, since DWARF spells it "noalg.map.group".
  const bool swiss = swiss_maps();
  std::vector<std::string> runtime_structs =
      swiss ? std::vector<std::string>{"map<string,*main.Session>", "table<string,*main.Session>",
                                       "groupReference<string,*main.Session>", "map<string,string>",
                                       "hchan<int>"}
            : std::vector<std::string>{"hash<string,*main.Session>", "bucket<string,*main.Session>",
                                       "hash<string,string>", "hchan<int>"};
  if (swiss) {
    auto group_of = [](const DwarfTypes& t) {
      TypeId ref = t.find("groupReference<string,*main.Session>");
      if (ref == kNoType || t.type(ref).fields.empty()) return kNoType;
      TypeId data = t.type(ref).fields[0].type;
      return data == kNoType ? kNoType : t.type(data).elem;
    };
    TypeId mine = group_of(table), theirs = group_of(dwarf);
    ASSERT_NE(mine, kNoType);
    ASSERT_NE(theirs, kNoType);
    EXPECT_EQ(table.type(mine).size, dwarf.type(theirs).size);
    EXPECT_EQ(table.pointer_offsets(mine), dwarf.pointer_offsets(theirs));
  }
  for (const std::string& name : runtime_structs) {
    auto mine = table.find(name), theirs = dwarf.find(name);
    ASSERT_NE(mine, kNoType) << name;
    ASSERT_NE(theirs, kNoType) << name;
    EXPECT_EQ(table.type(mine).size, dwarf.type(theirs).size) << name;
    std::vector<std::pair<std::string, uint64_t>> a, b;
    for (const auto& f : table.type(mine).fields) a.emplace_back(f.name, f.offset);
    for (const auto& f : dwarf.type(theirs).fields) b.emplace_back(f.name, f.offset);
    EXPECT_EQ(a, b) << name;
  }
  // Every descriptor links back to its type.
  runtime.relink(table);
  EXPECT_GT(runtime.linked_dwarf_types(), 100u);
  EXPECT_EQ(runtime.size_mismatches(), 0u);
  auto d = runtime.descriptor_addr(session);
  ASSERT_TRUE(d);
  EXPECT_EQ(runtime.dwarf_type(*d), session);
}

TEST_P(DescriptorTypes, ObjectsGetTheTypesTheProgramPrinted) {
  std::string prog = build("-w");
  ASSERT_FALSE(prog.empty());
  auto facts = nlohmann::json::parse(std::ifstream(prog + ".json"));
  Typed t(prog, prog + ".dump");
  const auto& o = facts["objects"];
  ObjectId fin = t.at(o["with_finalizer"]["ptr"]);
  ASSERT_NE(fin, heap::kNoObject);
  EXPECT_EQ(t.name(fin), "main.Session");
  EXPECT_TRUE(t.types[fin].certain);
  EXPECT_GT(t.types.stats.seeds_finalizers, 0u);
  if (headers()) {
    EXPECT_EQ(t.name(t.at(o["big"]["ptr"])), "main.Big");
    EXPECT_EQ(t.types[t.at(o["big"]["ptr"])].data_offset, 8);
    EXPECT_EQ(t.name(t.at(o["sessions_array"]["ptr"])), "[]main.Session");
    EXPECT_GT(t.types.stats.seeds_headers, 0u);
  }
  // What the finalized Session points to is typed through its fields.
  EXPECT_EQ(t.name(t.via(fin, ".Owner")), "main.Node");
  EXPECT_EQ(t.name(t.via(fin, ".Payload")), "[]uint8");
  EXPECT_EQ(t.name(t.via(fin, ".Events")), "chan int");
  EXPECT_EQ(t.types.stats.seeds_globals, 0u);
}

TEST_P(DescriptorTypes, MapsReachedFromTypedValuesAreTyped) {
  std::string prog = build("-w");
  ASSERT_FALSE(prog.empty());
  auto facts = nlohmann::json::parse(std::ifstream(prog + ".json"));
  Typed t(prog, prog + ".dump");
  ObjectId fin = t.at(facts["objects"]["with_finalizer"]["ptr"]);
  ASSERT_NE(fin, heap::kNoObject);
  ObjectId hdr = t.via(fin, ".Attrs");
  ASSERT_NE(hdr, heap::kNoObject);
  EXPECT_EQ(t.name(hdr), "map[string]string header");
  if (swiss_maps()) {
    // A few attributes: a small map, whose dirPtr points at its one group.
    ObjectId group = t.via(hdr, ".dirPtr");
    ASSERT_NE(group, heap::kNoObject);
    EXPECT_EQ(t.name(group), "map[string]string group");
    return;
  }
  ObjectId buckets = t.via(hdr, ".buckets");
  ASSERT_NE(buckets, heap::kNoObject);
  EXPECT_EQ(t.name(buckets), "map[string]string buckets");
}

// Descriptor typing of the DWARF fixture's own dump agrees with DWARF typing object by object.
// One difference comes from DWARF's extra roots, not from the types: a string's bytes are the
// weakest claim, which DWARF-typed globals may override.
TEST_P(DescriptorTypes, AgreesWithDwarfOnEveryObjectItTypes) {
  std::string prog = test::fixture_path(GetParam(), "typefixture");
  Typed t(prog, test::fixture_path(GetParam(), "typefixture", "dump"));
  auto dwarf = DwarfTypes::load(prog);
  auto runtime = RuntimeTypes::load(prog, dwarf);
  auto by_dwarf = heap::type_objects(t.model, dwarf, runtime);
  size_t typed = 0, strings = 0, pruned = 0;
  for (ObjectId id = 0; id < t.model.object_count(); id++) {
    if (t.types[id].shape == heap::ObjectShape::kUntyped) continue;
    typed++;
    std::string mine = t.name(id), theirs = heap::object_type_name(dwarf, by_dwarf[id]);
    if (mine == theirs) continue;
    if (t.types[id].shape == heap::ObjectShape::kString) {
      strings++;
      continue;
    }
    // Go 1.27's DWARF leaves out types only descriptors refer to (runtime.mPadded): the header
    // names what DWARF cannot, and DWARF typing keeps what the pointers to the object say.
    if (t.types[id].shape == heap::ObjectShape::kValue &&
        dwarf.find(t.table.type(t.types[id].type).name) == kNoType) {
      pruned++;
      continue;
    }
    ADD_FAILURE() << "object at " << std::hex << t.model.object_addr[id] << ": " << mine
                  << " from descriptors, " << theirs << " from DWARF";
  }
  EXPECT_GT(typed, headers() ? 100u : 0u);
  EXPECT_LE(strings * 100, typed) << strings << " string data objects typed otherwise by DWARF";
  if (test::go_of(GetParam()) < "go1.27") {
    EXPECT_EQ(pruned, 0u);
  }
  EXPECT_LE(pruned * 20, typed) << pruned << " objects of types the DWARF lacks";
}

TEST_P(DescriptorTypes, TypedShareIsReported) {
  std::string prog = build("-w");
  ASSERT_FALSE(prog.empty());
  auto h = Typed(prog, prog + ".dump").histogram();
  EXPECT_GT(h.typed_bytes, 0u);
  double share = 100.0 * static_cast<double>(h.typed_bytes) / static_cast<double>(h.live_bytes);
  std::string fixture = test::fixture_path(GetParam(), "typefixture");
  auto dwarf = DwarfTypes::load(fixture);
  auto runtime = RuntimeTypes::load(fixture, dwarf);
  auto model = heap::load_heap_dump(test::fixture_path(GetParam(), "typefixture", "dump"));
  auto types = heap::type_objects(model, dwarf, runtime);
  auto groups = heap::group_roots(model, nullptr);
  heap::RetentionGraph graph(model, groups);
  auto tree = heap::compute_dominators(graph);
  auto d = heap::type_histogram(graph, tree, heap::dominator_children(tree), types);
  double dwarf_share =
      100.0 * static_cast<double>(d.typed_bytes) / static_cast<double>(d.live_bytes);
  RecordProperty("typed_share_descriptors", std::to_string(share));
  RecordProperty("typed_share_dwarf", std::to_string(dwarf_share));
  std::cout << GetParam() << " -ldflags=-w typed share of live bytes: " << share
            << "% from descriptors; with DWARF " << dwarf_share << "%\n";
  // `heap types` says how much is typed and why it is less.
  auto r = test::run_leakseek({"heap", "types", prog + ".dump", "--program", prog, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_GT(j["typed_bytes"].get<uint64_t>(), 0u) << r.out.substr(0, 400);
  r = test::run_leakseek({"heap", "types", prog + ".dump", "--program", prog});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("types come from runtime type descriptors"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("-ldflags=-w"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("no struct layouts"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("main.Session"), std::string::npos) << r.out;
}

TEST_P(DescriptorTypes, StrippedProgramsAreTypedToo) {
  std::string prog = build("-s");
  ASSERT_FALSE(prog.empty());
  auto facts = nlohmann::json::parse(std::ifstream(prog + ".json"));
  Typed t(prog, prog + ".dump");
  EXPECT_GT(t.table.types().size(), 100u);
  EXPECT_NE(t.table.find("main.Session"), kNoType);
  const auto& o = facts["objects"];
  EXPECT_EQ(t.name(t.at(o["with_finalizer"]["ptr"])), "main.Session");
  if (headers()) {
    EXPECT_EQ(t.name(t.at(o["big"]["ptr"])), "main.Big");
  }
  auto lim = binary::descriptor_limitations(t.empty, t.runtime);
  ASSERT_FALSE(lim.empty());
  EXPECT_NE(lim[0].find("stripped"), std::string::npos) << lim[0];
}

// Garbage where descriptors should be: bytes of a -w program overwritten at random, then
// typed. Loading may refuse the file; building the table and typing must not crash or hang.
TEST_P(DescriptorTypes, SurvivesCorruptDescriptors) {
  std::string prog = build("-w");
  ASSERT_FALSE(prog.empty());
  std::string bytes;
  {
    std::ifstream in(prog, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  ASSERT_GT(bytes.size(), size_t{1} << 20);
  for (unsigned seed = 1; seed <= 3; seed++) {
    std::string bad = bytes;
    std::mt19937 rng(seed);
    // Past the ELF header, short of the section headers at the end; denser each round (1 byte
    // in 512, 128, 32): light damage reaches typing, heavy damage the loaders' checks.
    std::uniform_int_distribution<size_t> at(4096, bad.size() - (64 << 10));
    for (size_t i = 0; i < bad.size() / (2048 >> (2 * seed)); i++)
      bad[at(rng)] = static_cast<char>(rng());
    std::string path = test::write_temp(bad, "");
    try {
      Typed t(path, prog + ".dump");
      EXPECT_LE(t.table.types().size(), size_t{1} << 21);
    } catch (const InputError&) {
    }
    std::filesystem::remove(path);
  }
}

INSTANTIATE_TEST_SUITE_P(Go, DescriptorTypes, ::testing::ValuesIn(test::heap_fixture_sets()),
                         test::GoVersionName());

}  // namespace
}  // namespace leakseek
