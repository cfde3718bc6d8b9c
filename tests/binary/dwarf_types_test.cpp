// The DWARF type table of the typefixture program (testdata/go/typefixture), checked against
// what the program itself printed with reflect and unsafe, against the ELF symbol table and
// against the heap dump it wrote. Runs once per Go version.
#include "binary/dwarf_types.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>

#include "binary/program_symbols.h"
#include "heap/heap_loader.h"
#include "support/fixtures.h"
#include "util/input_error.h"

namespace leakseek {
namespace {

using binary::DwarfTypes;
using binary::kNoType;
using binary::TypeId;
using binary::TypeKind;

class DwarfTypesFixture : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    facts_ = test::fixture_facts(GetParam(), "typefixture");
    dwarf_ = std::make_unique<DwarfTypes>(
        DwarfTypes::load(test::fixture_path(GetParam(), "typefixture")));
  }
  const nlohmann::json& facts() { return facts_; }
  const DwarfTypes& dwarf() { return *dwarf_; }

  const binary::GoType& named(const std::string& name) {
    TypeId id = dwarf().find(name);
    EXPECT_NE(id, kNoType) << name;
    static const binary::GoType none;
    return id == kNoType ? none : dwarf().type(id);
  }
  const binary::GoField* field(const binary::GoType& t, const std::string& name) {
    for (const auto& f : t.fields)
      if (f.name == name) return &f;
    ADD_FAILURE() << t.name << " has no field " << name;
    return nullptr;
  }
  std::string name_of(TypeId id) { return id == kNoType ? "<none>" : dwarf().type(id).name; }

  nlohmann::json facts_;
  std::unique_ptr<DwarfTypes> dwarf_;
};

TEST_P(DwarfTypesFixture, LoadsTypesAndGlobals) {
  EXPECT_TRUE(dwarf().has_dwarf());
  EXPECT_TRUE(dwarf().limitations().empty());
  EXPECT_GT(dwarf().types().size(), 1000u);
  EXPECT_GT(dwarf().globals().size(), 100u);
  EXPECT_GT(dwarf().by_runtime_type().size(), 400u);
  EXPECT_EQ(dwarf().ptr_size(), facts()["ptr_size"].get<uint64_t>());
}

// Every struct the program described: same size, and each field at unsafe.Offsetof's offset
// with the type reflect names (main and fmt types print the same in both).
TEST_P(DwarfTypesFixture, StructLayoutsMatchTheProgram) {
  for (const auto& [key, tf] : facts()["types"].items()) {
    SCOPED_TRACE(key);
    const auto& t = named(tf["name"].get<std::string>());
    EXPECT_EQ(t.kind, TypeKind::kStruct);
    EXPECT_EQ(t.size, tf["size"].get<uint64_t>());
    ASSERT_EQ(t.fields.size(), tf["fields"].size());
    for (size_t i = 0; i < t.fields.size(); i++) {
      const auto& want = tf["fields"][i];
      EXPECT_EQ(t.fields[i].name, want["name"].get<std::string>());
      EXPECT_EQ(t.fields[i].offset, want["offset"].get<uint64_t>()) << t.fields[i].name;
      EXPECT_EQ(name_of(t.fields[i].type), want["type"].get<std::string>()) << t.fields[i].name;
    }
  }
}

TEST_P(DwarfTypesFixture, SessionFieldsHaveTheirGoKinds) {
  const auto& s = named("main.Session");
  EXPECT_TRUE(s.runtime_type.has_value());
  auto kind = [&](const char* f) { return dwarf().type(field(s, f)->type).kind; };
  auto type = [&](const char* f) -> const binary::GoType& {
    return dwarf().type(field(s, f)->type);
  };
  EXPECT_EQ(kind("ID"), TypeKind::kString);
  EXPECT_EQ(kind("Owner"), TypeKind::kPointer);
  EXPECT_EQ(name_of(type("Owner").elem), "main.Node");
  EXPECT_EQ(name_of(type("Prev").elem), "main.Session");
  EXPECT_EQ(kind("Payload"), TypeKind::kSlice);
  EXPECT_EQ(name_of(type("Payload").elem), "uint8");
  EXPECT_EQ(kind("Created"), TypeKind::kBasic);
  EXPECT_EQ(kind("Attrs"), TypeKind::kMap);
  EXPECT_EQ(name_of(type("Attrs").key), "string");
  EXPECT_EQ(name_of(type("Attrs").elem), "string");
  EXPECT_EQ(type("Attrs").size, 8u);
  EXPECT_EQ(kind("Data"), TypeKind::kInterface);
  EXPECT_TRUE(type("Data").empty_interface);
  EXPECT_EQ(type("Data").size, 16u);
  EXPECT_EQ(kind("Out"), TypeKind::kInterface);
  EXPECT_FALSE(type("Out").empty_interface);
  EXPECT_EQ(kind("Events"), TypeKind::kChan);
  EXPECT_EQ(name_of(type("Events").elem), "int");
  EXPECT_EQ(kind("Hook"), TypeKind::kFunc);
  EXPECT_EQ(kind("Pos"), TypeKind::kStruct);
  EXPECT_FALSE(type("Pos").has_pointers);
  EXPECT_EQ(kind("Hist"), TypeKind::kArray);
  EXPECT_EQ(type("Hist").count, 3u);
  EXPECT_EQ(name_of(type("Hist").elem), "*main.Node");
  EXPECT_TRUE(field(s, "Meta")->embedded);
  EXPECT_FALSE(field(s, "Pos")->embedded);
}

TEST_P(DwarfTypesFixture, NamedMapTypeKeepsItsNameAndShape) {
  const auto& r = named("main.Registry");
  EXPECT_EQ(r.kind, TypeKind::kMap);
  EXPECT_EQ(name_of(r.key), "string");
  EXPECT_EQ(name_of(r.elem), "*main.Session");
  // Go's DWARF spells byte slices with the underlying type.
  EXPECT_EQ(named("[]uint8").kind, TypeKind::kSlice);
  EXPECT_EQ(named("unsafe.Pointer").kind, TypeKind::kUnsafePointer);
}

// The alias typedef Go writes next to each named struct folds into the struct: one id.
TEST_P(DwarfTypesFixture, PointerToNamedStructReachesTheStructItself) {
  const auto& p = named("*main.Session");
  ASSERT_NE(p.elem, kNoType);
  EXPECT_EQ(p.elem, dwarf().find("main.Session"));
  EXPECT_FALSE(dwarf().type(p.elem).fields.empty());
}

TEST_P(DwarfTypesFixture, GlobalsMatchTheSymbolTable) {
  auto symbols = binary::ProgramSymbols::load(test::fixture_path(GetParam(), "typefixture"));
  for (const auto& [name, g] : facts()["globals"].items()) {
    SCOPED_TRACE(name);
    const auto* v = dwarf().find_global("main." + name);
    ASSERT_NE(v, nullptr);
    const auto* sym = symbols.variable_at(v->addr);
    ASSERT_NE(sym, nullptr);
    EXPECT_EQ(sym->name, "main." + name);
    EXPECT_EQ(sym->addr, v->addr);
    EXPECT_EQ(sym->size, dwarf().type(v->type).size);
    EXPECT_EQ(name_of(v->type), g["type"].get<std::string>());
    // Any address inside the variable finds it.
    EXPECT_EQ(dwarf().global_at(v->addr + sym->size - 1), v);
  }
}

// The global's pointer word, read from the dump's data/bss copy, is the object the program
// printed: DWARF address + the word pointer_layout picks = the dump's root.
TEST_P(DwarfTypesFixture, GlobalsPointAtTheirObjectsInTheDump) {
  auto model = heap::load_heap_dump(test::fixture_path(GetParam(), "typefixture", "dump"));
  for (const auto& [name, g] : facts()["globals"].items()) {
    SCOPED_TRACE(name);
    const auto* v = dwarf().find_global("main." + name);
    ASSERT_NE(v, nullptr);
    auto layout = dwarf().pointer_layout(v->type);
    ASSERT_FALSE(layout.words.empty());
    uint64_t addr = v->addr + layout.words.front().offset;
    auto seg = std::find_if(model.segments.begin(), model.segments.end(), [&](const auto& s) {
      return addr >= s.addr && addr < s.addr + s.size;
    });
    ASSERT_NE(seg, model.segments.end());
    EXPECT_EQ(model.word_at(seg->contents_offset, addr - seg->addr), test::hex_addr(g["points"]));
  }
}

// The pointer words DWARF predicts are the ones Go's GC bitmap marks, which the dump writes as
// each object's field list. From Go 1.22 an object over 512 bytes starts with an 8-byte header
// naming its type, and the dump repeats that type over the whole slot, past the object's end
// into the size class's slack: those tail words are listed too.
TEST_P(DwarfTypesFixture, PointerOffsetsMatchTheDumpFieldLists) {
  auto model = heap::load_heap_dump(test::fixture_path(GetParam(), "typefixture", "dump"));
  struct Case {
    const char* object;
    const char* type;
  };
  for (auto c : {Case{"with_finalizer", "main.Session"}, Case{"iface_value", "main.Session"},
                 Case{"big", "main.Big"}, Case{"sessions_array", "main.Session"},
                 Case{"ival_value", "main.Point"}}) {
    SCOPED_TRACE(c.object);
    uint64_t ptr = test::hex_addr(facts()["objects"][c.object]["ptr"]);
    heap::ObjectId obj = model.find(ptr);
    ASSERT_NE(obj, heap::kNoObject);
    uint64_t header = ptr - model.object_addr[obj];
    TypeId t = dwarf().find(c.type);
    uint64_t elem = dwarf().type(t).size;
    std::vector<uint64_t> want;
    for (uint64_t base = header; base < model.size(obj); base += elem)
      for (uint64_t o : dwarf().pointer_offsets(t))
        if (header == 0 ? base + elem <= model.size(obj) : base + o + 8 <= model.size(obj))
          want.push_back(base + o);
    EXPECT_EQ(model.pointer_offsets(obj), want);
  }
}

TEST_P(DwarfTypesFixture, PointerLayoutNamesWhatEachWordIs) {
  auto layout = dwarf().pointer_layout(dwarf().find("main.Session"));
  auto at = [&](uint64_t off) {
    for (const auto& w : layout.words)
      if (w.offset == off) return w;
    ADD_FAILURE() << "no pointer word at " << off;
    return binary::PointerWord{};
  };
  EXPECT_EQ(at(0).role, binary::WordRole::kStringData);
  EXPECT_EQ(at(16).role, binary::WordRole::kPointer);
  EXPECT_EQ(name_of(at(16).type), "*main.Node");
  EXPECT_EQ(at(32).role, binary::WordRole::kSliceData);
  // Data: only the interface's data word; the type word at 72 is no heap pointer.
  EXPECT_EQ(at(80).role, binary::WordRole::kInterfaceData);
  EXPECT_EQ(name_of(at(80).type), "interface {}");
  EXPECT_TRUE(std::none_of(layout.words.begin(), layout.words.end(),
                           [](const auto& w) { return w.offset == 72 || w.offset == 88; }));
  EXPECT_EQ(at(168).role, binary::WordRole::kPointer);  // Meta.Note, through the embedding
  EXPECT_FALSE(layout.truncated);
}

TEST_P(DwarfTypesFixture, ArrayExpansionStopsAtTheCap) {
  TypeId big = dwarf().find("main.Big");
  auto full = dwarf().pointer_layout(big);
  EXPECT_EQ(full.words.size(), 65u);  // Owner + 64 Ptrs
  auto capped = dwarf().pointer_layout(big, 10);
  EXPECT_EQ(capped.words.size(), 10u);
  EXPECT_TRUE(capped.truncated);
  EXPECT_TRUE(dwarf().pointer_offsets(kNoType).empty());
}

INSTANTIATE_TEST_SUITE_P(Go, DwarfTypesFixture, ::testing::ValuesIn(test::heap_fixture_sets()),
                         test::GoVersionName());

TEST(DwarfTypesErrors, MissingOrNonElfFilesThrow) {
  EXPECT_THROW(DwarfTypes::load("/nonexistent/leakseek-program"), InputError);
  std::string text = test::write_temp("not a program\n", ".txt");
  EXPECT_THROW(DwarfTypes::load(text), InputError);
  std::remove(text.c_str());
}

TEST(DwarfTypesErrors, TruncatedProgramThrowsInsteadOfLookingStripped) {
  std::ifstream in(test::fixture_path("go1.23", "typefixture"), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GT(bytes.size(), 100000u);
  std::string cut = test::write_temp(bytes.substr(0, bytes.size() / 2), ".elf");
  EXPECT_THROW(DwarfTypes::load(cut), InputError);
  std::remove(cut.c_str());
}

}  // namespace
}  // namespace leakseek
