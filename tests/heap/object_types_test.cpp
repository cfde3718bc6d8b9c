// Types recovered for heap objects from the program binary, on the Go-built type fixture whose
// objects' dynamic types the program printed (Go 1.19 and 1.23).
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>

#include "heap/dominators.h"
#include "heap/heap_loader.h"
#include "heap/object_types.h"
#include "heap/root_groups.h"
#include "heap/type_histogram.h"
#include "support/fixtures.h"

namespace leakseek::heap {
namespace {

class ObjectTypesTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    facts = test::fixture_facts(GetParam(), "typefixture");
    std::string prog = test::fixture_path(GetParam(), "typefixture");
    model.emplace(load_heap_dump(test::fixture_path(GetParam(), "typefixture", "dump")));
    dwarf.emplace(binary::DwarfTypes::load(prog));
    runtime.emplace(binary::RuntimeTypes::load(prog, *dwarf));
    types = type_objects(*model, *dwarf, *runtime);
  }
  ObjectId at(const nlohmann::json& addr) const {
    ObjectId id = model->find(test::hex_addr(addr));
    EXPECT_NE(id, kNoObject) << addr;
    return id;
  }
  std::string name(ObjectId id) const { return object_type_name(*dwarf, types[id]); }

  nlohmann::json facts;
  std::optional<HeapModel> model;
  std::optional<binary::DwarfTypes> dwarf;
  std::optional<binary::RuntimeTypes> runtime;
  ObjectTypes types;
};

TEST_P(ObjectTypesTest, ObjectsGetTheTypesTheProgramPrinted) {
  for (const auto& [key, o] : facts["objects"].items()) {
    std::string want = o["type"];
    // The fact is the dynamic type of the interface or pointer that reaches the object: a
    // pointer's object is its element; the slice's array holds elements.
    if (want.starts_with("*")) want = want.substr(1);
    if (key == "sessions_array") want = "[]" + want;
    EXPECT_EQ(name(at(o["ptr"])), want) << key;
  }
}

TEST_P(ObjectTypesTest, GlobalsReachTheirTypedObjects) {
  const auto& g = facts["globals"];
  EXPECT_EQ(name(at(g["cache"]["points"])), "map[string]*main.Session header");
  EXPECT_EQ(name(at(g["registry"]["points"])), "map[string]*main.Session header");
  EXPECT_EQ(name(at(g["handler"]["points"])), "func() int closure");
  EXPECT_EQ(name(at(g["big"]["points"])), "main.Big");
  // Go 1.22+ objects over 512 B start with their type; the data starts after it.
  ObjectId big = at(g["big"]["points"]);
  EXPECT_EQ(types[big].data_offset, GetParam() >= "go1.22" ? 8 : 0);
}

// The objects holding a map's entries, found through typed field paths: the bucket array
// (hash<K,V>.buckets, up to Go 1.23), or the Swiss table's groups (1.24 on), reached through
// the directory of tables (map<K,V>.dirPtr -> *table<K,V> -> .groups.data) or, in a small map,
// straight from dirPtr.
std::vector<ObjectId> entry_holders(const HeapModel& model, const binary::DwarfTypes& dwarf,
                                    const ObjectTypes& types, ObjectId id, int depth = 0) {
  std::vector<ObjectId> out;
  if (depth > 3) return out;
  const std::string n = object_type_name(dwarf, types[id]);
  if (n.ends_with(" buckets") || n.ends_with(" group") || n.ends_with(" groups")) return {id};
  for (uint64_t off : model.pointer_offsets(id)) {
    std::string path = field_path(dwarf, types[id], off);
    if (path != ".buckets" && path != ".dirPtr" && path != ".groups.data" &&
        !(n.ends_with(" directory") && std::regex_match(path, std::regex("\\[[0-9]+\\]"))))
      continue;
    ObjectId next = model.find(model.word_at(model.object_contents[id], off));
    if (next == kNoObject) continue;
    for (ObjectId h : entry_holders(model, dwarf, types, next, depth + 1)) out.push_back(h);
  }
  return out;
}

TEST_P(ObjectTypesTest, TypedPathFromTheCacheReachesSessions) {
  ObjectId hdr = at(facts["globals"]["cache"]["points"]);
  auto holders = entry_holders(*model, *dwarf, types, hdr);
  ASSERT_FALSE(holders.empty());
  const bool swiss = test::go_of(GetParam()) >= "go1.24";
  size_t sessions = 0;
  for (ObjectId holder : holders) {
    EXPECT_TRUE(std::regex_match(name(holder),
                                 std::regex(swiss ? "map\\[string\\]\\*main\\.Session groups?"
                                                  : "map\\[string\\]\\*main\\.Session buckets")))
        << name(holder);
    for (uint64_t off : model->pointer_offsets(holder)) {
      std::string path = field_path(*dwarf, types[holder], off);
      ObjectId target = model->find(model->word_at(model->object_contents[holder], off));
      if (target == kNoObject ||
          !std::regex_match(path, std::regex(swiss ? "(\\[[0-9]+\\])?\\.slots\\[[0-7]\\]\\.elem"
                                                   : "\\[[0-9]+\\]\\.values\\[[0-7]\\]")))
        continue;
      EXPECT_EQ(name(target), "main.Session") << path;
      sessions++;
    }
  }
  EXPECT_GT(sessions, 0u);
}

// A value stored in a sync.Map is reached through the map's internals, whatever they are in
// this Go version, and typed by the interface value it is stored as.
TEST_P(ObjectTypesTest, SyncMapValuesAreTyped) {
  ObjectId v = at(facts["objects"]["sync_map_value"]["ptr"]);
  ASSERT_NE(v, kNoObject);
  EXPECT_EQ(name(v), "main.Session");
}

TEST_P(ObjectTypesTest, FieldPathsFollowTheStruct) {
  const auto& session = facts["types"]["session"];
  ObjectId s = at(facts["objects"]["iface_value"]["ptr"]);
  // The path starts with the field and descends into nested structs and arrays (".Pos.X").
  for (const auto& f : session["fields"]) {
    std::string path = field_path(*dwarf, types[s], f["offset"].get<uint64_t>());
    std::string want = "." + f["name"].get<std::string>();
    EXPECT_TRUE(path == want || path.starts_with(want + ".") || path.starts_with(want + "["))
        << path << " for " << want;
  }
}

// holdOnStack's `local` and `held` are referred to by its parked frame alone: no global, no
// object. Their types can only come from the frame's DWARF variables at the frame's pc.
TEST_P(ObjectTypesTest, ObjectsOnlyAStackFrameHoldsAreTypedFromItsVariables) {
  for (const char* key : {"stack_local", "stack_slice"}) {
    ObjectId id = at(facts["objects"][key]["ptr"]);
    bool from_frame = false;
    for (const Root& r : model->roots) {
      if (r.target != id) continue;
      EXPECT_EQ(r.kind, RootKind::kStackFrame) << key;
      from_frame |=
          r.kind == RootKind::kStackFrame && model->frames[r.source].function == "main.holdOnStack";
    }
    EXPECT_TRUE(from_frame) << key;
    for (ObjectId o = 0; o < model->object_count(); o++)
      for (ObjectId child : model->children(o)) EXPECT_NE(child, id) << key << " from " << o;
    EXPECT_FALSE(name(id).empty()) << key;
  }
  EXPECT_GT(types.stats.seeds_frames, 0u);
}

// The buffer of a channel with pointerful elements is its own allocation, typed by the
// element type descriptor the hchan carries; the values queued in it get typed through it.
TEST_P(ObjectTypesTest, ChannelBufferHoldsTypedElements) {
  ObjectId buf = at(facts["objects"]["chan_buffer"]["ptr"]);
  EXPECT_EQ(name(buf), "[]*main.Session");
  size_t queued = 0;
  for (uint64_t off : model->pointer_offsets(buf)) {
    ObjectId s = model->find(model->word_at(model->object_contents[buf], off));
    if (s == kNoObject) continue;
    EXPECT_EQ(name(s), "main.Session") << field_path(*dwarf, types[buf], off);
    queued++;
  }
  EXPECT_EQ(queued, 2u);
}

// Runtime frames (chanrecv, mapaccess) hold every channel and map as runtime.hchan or
// runtime.hmap; the program's own types say which channel or map it is, and win.
TEST_P(ObjectTypesTest, ChannelsAndMapsKeepTheirElementTypes) {
  size_t channels = 0;
  for (ObjectId o = 0; o < model->object_count(); o++) {
    std::string n = name(o);
    EXPECT_NE(n, "runtime.hchan") << std::hex << model->object_addr[o];
    EXPECT_NE(n, "runtime.hmap") << std::hex << model->object_addr[o];
    channels += n == "chan struct {}" || n == "chan bool";
  }
  EXPECT_GE(channels, 2u);
}

TEST_P(ObjectTypesTest, AtLeastNinetyPercentOfLiveBytesAreTyped) {
  auto groups = group_roots(*model, nullptr);
  RetentionGraph graph(*model, groups);
  auto tree = compute_dominators(graph);
  auto h = type_histogram(graph, tree, dominator_children(tree), types);
  EXPECT_EQ(h.live_bytes, tree.retained_bytes[0]);
  EXPECT_GE(static_cast<double>(h.typed_bytes), 0.9 * static_cast<double>(h.live_bytes));
  // Retained bytes per type never exceed what is live, and the Session row counts every
  // session once.
  for (const auto& r : h.rows) EXPECT_LE(r.retained_bytes, h.live_bytes);
  auto session = std::find_if(h.rows.begin(), h.rows.end(), [&](const TypeRow& r) {
    return r.type.shape == ObjectShape::kValue && dwarf->type(r.type.type).name == "main.Session";
  });
  ASSERT_NE(session, h.rows.end());
  EXPECT_GE(session->retained_bytes, session->bytes);
}

// Every fixture program, not just the one built for typing: nearly all live bytes get a type.
class FixtureTypingTest : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {};

TEST_P(FixtureTypingTest, NearlyAllLiveBytesAreTyped) {
  const auto& [go, name] = GetParam();
  std::string prog = test::fixture_path(go, name);
  auto model = load_heap_dump(test::fixture_path(go, name, "dump"));
  auto dwarf = binary::DwarfTypes::load(prog);
  auto runtime = binary::RuntimeTypes::load(prog, dwarf);
  auto types = type_objects(model, dwarf, runtime);
  HeapRetention r(model, nullptr);
  auto h = type_histogram(r.graph, r.tree, r.children, types);
  EXPECT_GE(static_cast<double>(h.typed_bytes), 0.95 * static_cast<double>(h.live_bytes));
  // Substrings point into their bytes, not at the start: those objects are string data too.
  size_t interior_strings = 0;
  for (ObjectId o = 0; o < model.object_count(); o++) {
    if (types[o].shape != ObjectShape::kValue && types[o].shape != ObjectShape::kArray) continue;
    for (uint64_t off : model.pointer_offsets(o)) {
      uint64_t v = model.word_at(model.object_contents[o], off);
      ObjectId t = model.find(v);
      if (t == kNoObject || v == model.object_addr[t]) continue;
      if (object_type_name(dwarf, types[o]).empty()) continue;
      if (types[t].shape == ObjectShape::kString) interior_strings++;
    }
  }
  if (name == "heapfixture") EXPECT_GT(interior_strings, 0u);
  // sync.Map (internal/godebug's cache) keeps its state behind sync/atomic.Pointer[T] from Go
  // 1.20 on: typed through the type argument. From 1.24 it is a hash-trie whose *node[K,V]
  // pointers lead to entries and indirect nodes, told apart by the node's isEntry byte.
  if (test::go_of(go) >= "go1.24") {
    size_t entries = 0, indirect = 0;
    for (ObjectId o = 0; o < model.object_count(); o++) {
      std::string n = object_type_name(dwarf, types[o]);
      entries += n.starts_with("internal/sync.entry[");
      indirect += n.starts_with("internal/sync.indirect[");
      EXPECT_FALSE(n.starts_with("internal/sync.node[")) << std::hex << model.object_addr[o];
    }
    // Not every program keeps a sync.Map; the type fixture does.
    if (name == "typefixture") {
      EXPECT_GT(entries, 0u);
      EXPECT_GT(indirect, 0u);
    }
  } else if (go >= "go1.20") {
    bool read_only = false;
    for (ObjectId o = 0; o < model.object_count(); o++)
      read_only |= object_type_name(dwarf, types[o]) == "sync.readOnly";
    EXPECT_TRUE(read_only);
  }
}

INSTANTIATE_TEST_SUITE_P(Go, FixtureTypingTest,
                         ::testing::Combine(::testing::ValuesIn(test::heap_fixture_sets()),
                                            ::testing::Values("heapfixture", "retentionfixture",
                                                              "goroutinefixture", "finalizerstall",
                                                              "profilefixture", "typefixture")),
                         [](const auto& info) {
                           return test::param_name(std::get<0>(info.param)) + "_" +
                                  std::get<1>(info.param);
                         });

INSTANTIATE_TEST_SUITE_P(Go, ObjectTypesTest, ::testing::ValuesIn(test::heap_fixture_sets()),
                         test::GoVersionName());

}  // namespace
}  // namespace leakseek::heap
