// The leakseek binary end to end: exit codes, error lines, and the JSON each command promises.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "support/dump_bytes.h"
#include "support/fixtures.h"
#include "support/pprof_go_tool.h"

namespace leakseek {
namespace {

using nlohmann::json;
using test::run_leakseek;

// Runs once per heap fixture set: internally linked and externally linked (cgo) builds alike.
class HeapCli : public ::testing::TestWithParam<std::string> {
 protected:
  std::string dump() const { return test::fixture_path(GetParam(), "heapfixture", "dump"); }
  std::string program() const { return test::fixture_path(GetParam(), "heapfixture"); }
  json facts() const { return test::fixture_facts(GetParam(), "heapfixture"); }
};

TEST_P(HeapCli, SummaryJsonHasTheDocumentedFields) {
  auto r = run_leakseek({"heap", "summary", dump(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = json::parse(r.out);
  EXPECT_EQ(j["go_version"], facts()["go_version"]);
  for (const char* k : {"objects", "object_bytes", "goroutines", "reachable_objects",
                        "reachable_bytes", "garbage_bytes"})
    EXPECT_TRUE(j[k].is_number_unsigned()) << k;
  EXPECT_GE(j["finalizers"]["registered"].get<int>(), 2);
  EXPECT_EQ(j["finalizers"]["queued"].get<int>(), 0);
  EXPECT_GT(j["roots"]["bss"].get<int>(), 0);
  EXPECT_GT(j["roots"]["stack_frame"].get<int>(), 0);
}

TEST_P(HeapCli, SummaryTextLeadsWithLiveBytes) {
  auto r = run_leakseek({"heap", "summary", dump()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("live: +[0-9.]+ KiB in [0-9]+ objects")));
}

// The text says what the retention result says: the threshold it was given, and each suspect's
// allocation site as the JSON names it.
TEST_P(HeapCli, SummaryTextAndJsonTellTheSameDiagnosis) {
  // retentionfixture has no finalizer cycle or stall: with no suspect, nothing is found.
  auto strict =
      run_leakseek({"heap", "summary", test::fixture_path(GetParam(), "retentionfixture", "dump"),
                    "--suspect-share", "0.995"});
  ASSERT_EQ(strict.exit_code, 0) << strict.err;
  EXPECT_NE(strict.out.find("no root retains 99.5% or more"), std::string::npos) << strict.out;
  auto text = run_leakseek({"heap", "summary", dump(), "--suspect-share", "0.01"});
  auto j = json::parse(
      run_leakseek({"heap", "summary", dump(), "--suspect-share", "0.01", "--json"}).out);
  EXPECT_EQ(j["suspect_share"], 0.01);
  size_t sites = 0;
  for (const auto& s : j["suspects"]) {
    const auto site = s["allocation_site"].get<std::string>();
    if (site.empty()) continue;
    sites++;
    EXPECT_NE(text.out.find("Most of its sampled allocations come from " + site + "."),
              std::string::npos)
        << site;
  }
  EXPECT_GT(sites, 0u) << text.out;  // heapfixture samples every allocation
  for (const auto& f : j["finalizer_cycle_families"])
    EXPECT_NE(text.out.find("with finalizer " + f["finalizer"].get<std::string>()),
              std::string::npos);
}

TEST_P(HeapCli, ShowJsonGivesBaseSizePointers) {
  auto f = facts();
  auto r = run_leakseek({"heap", "show", dump(), f["big"]["ptr"].get<std::string>(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = json::parse(r.out);
  uint64_t ptr = test::hex_addr(f["big"]["ptr"]);
  // From Go 1.22 an object this size starts with a type header, so Go's pointer is 8 bytes in.
  const uint64_t header = test::go_of(GetParam()) >= "go1.22" ? 8 : 0;
  EXPECT_EQ(test::hex_addr(j["base"]), ptr - header);
  EXPECT_EQ(j["offset_in_object"], header);
  bool found = false;
  for (const auto& p : j["pointers"]) found |= p["target"] == f["big"]["ptrs0_target"];
  EXPECT_TRUE(found);
  EXPECT_EQ(j["contents_hex"].get<std::string>().size(), 2 * j["size"].get<size_t>());
}

TEST_P(HeapCli, WhyNamesTheGlobalWithProgram) {
  auto r = run_leakseek({"heap", "why", dump(), facts()["list"]["nodes"][1].get<std::string>(),
                         "--program", program()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("from bss main.list (2 steps)"), std::string::npos) << r.out;
}

TEST_P(HeapCli, WhyReportsFinalizerCycleInJson) {
  auto r =
      run_leakseek({"heap", "why", dump(), facts()["cycle"]["x"].get<std::string>(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["retention"], "finalizer_cycle");
}

TEST_P(HeapCli, OwnersToTheRoots) {
  auto f = facts();
  auto r = run_leakseek({"heap", "owners", dump(), f["graph"]["d"].get<std::string>(), "--depth",
                         "-1", "--json", "--program", program()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = json::parse(r.out);
  std::set<std::string> owners;
  for (const auto& e : j["owners"]) owners.insert(e["owner"]["base"]);
  EXPECT_TRUE(owners.count(f["graph"]["a"]));
  EXPECT_TRUE(owners.count(f["graph"]["b"]));
  EXPECT_TRUE(owners.count(f["graph"]["c"]));
  bool root = false;
  for (const auto& rt : j["roots"]) root |= rt.value("variable", "") == "main.graphRoot";
  EXPECT_TRUE(root);
}

TEST_P(HeapCli, GraphRendersSvgWithFinalizerBorder) {
  auto out = test::write_temp("", ".svg");
  auto r = run_leakseek({"heap", "graph", dump(), facts()["cycle"]["y"].get<std::string>(),
                         "--format", "svg", "-o", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(out);
  std::string svg((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  EXPECT_NE(svg.find("stroke=\"red\""), std::string::npos);
  auto dot = run_leakseek({"heap", "graph", dump(), facts()["cycle"]["y"].get<std::string>()});
  EXPECT_NE(dot.out.find("digraph owners"), std::string::npos);
}

TEST_P(HeapCli, FindByOid) {
  auto oids =
      test::write_temp("# markers\n0x4c45414b5345454b leakseek.marker\n0xc0ffee coffee\n", ".txt");
  auto r = run_leakseek({"heap", "find", dump(), "--oid", oids, "coffee", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = json::parse(r.out);
  ASSERT_EQ(j["count"], 1);
  EXPECT_EQ(j["matches"][0]["base"], facts()["marked2"]["ptr"]);
}

TEST_P(HeapCli, PrintStreamsEveryRecord) {
  auto r = run_leakseek({"heap", "print", dump(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  size_t objects = 0, lines = 0;
  std::istringstream in(r.out);
  std::string line, last;
  while (std::getline(in, line)) {
    auto j = json::parse(line);
    objects += j["record"] == "object";
    lines++;
    last = j["record"];
  }
  EXPECT_EQ(last, "eof");
  auto s = json::parse(run_leakseek({"heap", "summary", dump(), "--json"}).out);
  EXPECT_EQ(objects, s["objects"].get<size_t>());
}

TEST_P(HeapCli, BadInputIsOneLineWithOffsetAndExit2) {
  test::DumpBytes d;
  d.header().params().uv(99);
  auto path = test::write_temp(d.str());
  for (const char* cmd : {"summary", "print"}) {
    auto r = run_leakseek({"heap", cmd, path});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(std::regex_match(
        r.err, std::regex("leakseek: " + path + ": offset [0-9]+: unknown record tag 99\n")))
        << r.err;
  }
}

TEST_P(HeapCli, MissingFileAndBadAddressExit2) {
  auto r = run_leakseek({"heap", "summary", "/nonexistent/x.dump"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("leakseek: /nonexistent/x.dump: No such file"), std::string::npos) << r.err;
  r = run_leakseek({"heap", "show", dump(), "zzz"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad address"), std::string::npos);
  r = run_leakseek({"heap", "show", dump(), "0x10"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no object in the dump contains address 0x10"), std::string::npos);
  r = run_leakseek({"heap", "summary", dump(), "--program", dump()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("not an ELF program"), std::string::npos);
  r = run_leakseek({"heap"});
  EXPECT_EQ(r.exit_code, 2);
}

// main.leaves's retained size as `heap summary` reports it, and the live bytes.
std::pair<uint64_t, uint64_t> leaves_retained(const std::string& d, const std::string& prog) {
  auto r = run_leakseek({"heap", "summary", d, "--program", prog, "--json", "--top", "1000"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto j = json::parse(r.out);
  for (const auto& t : j["top_retainers"])
    if (t["root"] == "main.leaves")
      return {t["retained_bytes"].get<uint64_t>(), j["reachable_bytes"].get<uint64_t>()};
  ADD_FAILURE() << "main.leaves is not among the top retainers";
  return {0, 0};
}

TEST_P(HeapCli, TopUnderAGlobalAgreesWithSummary) {
  std::string d = test::fixture_path(GetParam(), "retentionfixture", "dump");
  std::string prog = test::fixture_path(GetParam(), "retentionfixture");
  auto [retained, live] = leaves_retained(d, prog);
  auto r = run_leakseek(
      {"heap", "top", d, "--program", prog, "--under", "main.leaves", "-n", "3", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = json::parse(r.out);
  EXPECT_EQ(j["under"]["variable"], "main.leaves");
  EXPECT_EQ(j["retained_bytes"].get<uint64_t>(), retained);
  EXPECT_EQ(j["live_bytes"].get<uint64_t>(), live);
  ASSERT_EQ(j["children"].size(), 1u);
  const auto& array = j["children"][0];
  // The fact is the pointer Go hands out, 8 bytes into the slot on Go 1.22+ (type header).
  uint64_t base = test::hex_addr(array["node"]["address"]);
  uint64_t ptr = test::hex_addr(test::fixture_facts(GetParam(), "retentionfixture")["slice_array"]);
  EXPECT_TRUE(ptr >= base && ptr < base + array["node"]["size"].get<uint64_t>());
  EXPECT_EQ(array["children"].size(), 3u);
  EXPECT_EQ(array["hidden_children"].get<uint64_t>() + 3, array["children_total"].get<uint64_t>());
  // The same, as text, names the global and its share.
  r = run_leakseek({"heap", "top", d, "--program", prog});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("[0-9.]+%.* main\\.leaves \\[global\\]")))
      << r.out;
}

TEST_P(HeapCli, TopUnderGarbageOrNothingExits2) {
  auto r = run_leakseek({"heap", "top", dump(), "--under", "no.such.root"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad address 'no.such.root'"), std::string::npos) << r.err;
  r = run_leakseek({"heap", "top", dump(), "--under", "0x10"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no object in the dump contains address 0x10"), std::string::npos) << r.err;
}

TEST_P(HeapCli, PprofOpensInGoToolPprofWithTheSameRetainedSizes) {
  std::string d = test::fixture_path(GetParam(), "retentionfixture", "dump");
  std::string prog = test::fixture_path(GetParam(), "retentionfixture");
  auto [retained, live] = leaves_retained(d, prog);
  std::string out = test::write_temp("", ".pb.gz");
  auto r = run_leakseek({"heap", "pprof", d, "--program", prog, "-o", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(static_cast<uint64_t>(test::go_pprof_top_total(out, "retained_space")), live);
  // The global's cum in `go tool pprof -top -cum` is what it retains.
  std::string top = test::go_pprof(
      {"-top", "-cum", "-unit=B", "-nodecount=1000", "-sample_index=retained_space", out});
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      top, m,
      std::regex("\\n *(?:[0-9]+B|0) +[0-9.]+% +[0-9.]+% +([0-9]+)B +[0-9.]+% +main\\.leaves\\n")))
      << top;
  EXPECT_EQ(std::stoull(m[1]), retained);
}

TEST_P(HeapCli, TypesNamesWhatTheMemoryIs) {
  std::string d = test::fixture_path(GetParam(), "typefixture", "dump");
  std::string prog = test::fixture_path(GetParam(), "typefixture");
  auto r = run_leakseek({"heap", "types", d, "--program", prog, "--json", "-n", "1000"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = json::parse(r.out);
  EXPECT_GE(j["typed_bytes_ratio"].get<double>(), 0.9);
  uint64_t bytes = 0;
  bool session = false;
  for (const auto& row : j["rows"]) {
    bytes += row["bytes"].get<uint64_t>();
    session |= row["type"] == "main.Session";
  }
  EXPECT_TRUE(session);
  EXPECT_EQ(bytes, j["live_bytes"].get<uint64_t>());
  // summary carries the same ratio; without the binary there are no types to give.
  r = run_leakseek({"heap", "summary", d, "--program", prog, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["typed_bytes_ratio"], j["typed_bytes_ratio"]);
  r = run_leakseek({"heap", "types", d});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("needs --program"), std::string::npos) << r.err;
}

TEST_P(HeapCli, WhyPrintsTypesAndFieldPaths) {
  auto f = facts();
  auto r = run_leakseek({"heap", "why", dump(), f["cache"]["some_sessions"][0].get<std::string>(),
                         "--program", program()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("map[string]*main.Session header"), std::string::npos) << r.out;
  if (test::go_of(GetParam()) >= "go1.24") {
    // A Swiss table of 1000 entries: header -> directory -> table -> groups -> slot.
    EXPECT_TRUE(std::regex_search(
        r.out, std::regex("-> \\+0x10 \\.dirPtr 0x[0-9a-f]+ map\\[string\\]\\*main\\.Session "
                          "directory")))
        << r.out;
    EXPECT_TRUE(std::regex_search(
        r.out, std::regex("\\.groups\\.data 0x[0-9a-f]+ map\\[string\\]\\*main\\.Session groups?")))
        << r.out;
    EXPECT_TRUE(std::regex_search(
        r.out, std::regex("\\[[0-9]+\\]\\.slots\\[[0-7]\\]\\.elem 0x[0-9a-f]+ main\\.Session")))
        << r.out;
  } else {
    EXPECT_TRUE(std::regex_search(r.out, std::regex("-> \\+0x[0-9a-f]+ \\.buckets 0x"))) << r.out;
    EXPECT_TRUE(std::regex_search(
        r.out, std::regex("\\[[0-9]+\\]\\.values\\[[0-7]\\] 0x[0-9a-f]+ main\\.Session")))
        << r.out;
  }
}

// Another program's binary would name the wrong globals: refused, saying why.
TEST_P(HeapCli, AnotherProgramsBinaryIsRefused) {
  std::string other = test::fixture_path(GetParam(), "typefixture");
  auto r = run_leakseek({"heap", "summary", dump(), "--program", other});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(other + ": not the program that wrote " + dump() + ": its Go data is 0x"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

// A path from a parked goroutine names the local variable it starts from, as the code does.
TEST_P(HeapCli, WhyNamesTheStackVariableARootPathStartsFrom) {
  std::string d = test::fixture_path(GetParam(), "typefixture", "dump");
  std::string prog = test::fixture_path(GetParam(), "typefixture");
  auto objects = test::fixture_facts(GetParam(), "typefixture")["objects"];
  auto r = run_leakseek(
      {"heap", "why", d, objects["stack_slice_elem"]["ptr"].get<std::string>(), "--program", prog});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::regex_search(
      r.out, std::regex("from goroutine [0-9]+ frame main\\.holdOnStack var held \\(2 steps\\)")))
      << r.out;
  r = run_leakseek({"heap", "why", d, objects["stack_local"]["ptr"].get<std::string>(), "--program",
                    prog, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto root = json::parse(r.out)["paths"][0]["root"];
  EXPECT_EQ(root["frame_variable"], "local") << root;
  EXPECT_EQ(root["function"], "main.holdOnStack") << root;
  // Without the binary the same root is a frame offset.
  r = run_leakseek({"heap", "why", d, objects["stack_local"]["ptr"].get<std::string>()});
  EXPECT_TRUE(std::regex_search(r.out, std::regex("frame main\\.holdOnStack \\+0x[0-9a-f]+")))
      << r.out;
}

INSTANTIATE_TEST_SUITE_P(Go, HeapCli, ::testing::ValuesIn(test::heap_fixture_sets()),
                         test::GoVersionName());

}  // namespace
}  // namespace leakseek

namespace leakseek {
namespace {

// A dump from a Go newer than any leakseek knows is read as the newest it knows, and the user
// is told on one line. Made from a real Go 1.26 dump by rewriting its version string.
TEST(HeapCliNewerGo, ReadAndSaidOnOneLine) {
  std::ifstream in(test::fixture_path("go1.26", "heapfixture", "dump"), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t at = bytes.find("go1.26.");
  ASSERT_NE(at, std::string::npos);
  bytes.replace(at, 6, "go1.29");
  std::string path = test::write_temp(bytes);
  auto r = test::run_leakseek({"heap", "summary", path, "--json"});
  std::remove(path.c_str());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(nlohmann::json::parse(r.out)["go_version"].get<std::string>().starts_with("go1.29"));
  EXPECT_NE(r.err.find("warning: go1.29."), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("newer than go1.27"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

}  // namespace
}  // namespace leakseek
