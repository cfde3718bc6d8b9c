// The typefixture program rebuilt the ways users ship binaries: without DWARF (-ldflags=-w),
// stripped (-ldflags=-s), and with GNU-style .zdebug_* sections (what Go 1.11 to 1.15 wrote,
// made here with objcopy). Each build writes its own heap dump, since a rebuilt program lays
// out its descriptors differently. Runs once per Go version.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>

#include "binary/dwarf_types.h"
#include "binary/runtime_types.h"
#include "heap/heap_loader.h"
#include "support/fixture_variants.h"
#include "support/fixtures.h"

namespace leakseek {
namespace {

using binary::DwarfTypes;
using binary::kNoType;
using binary::RuntimeTypes;

// Paths here come from mkdtemp and the build tree and never hold a quote.
std::string shell_quoted(const std::string& s) {
  return "'" + s + "'";
}

class DwarfVariants : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { facts = test::fixture_facts(GetParam(), "typefixture"); }

  // Builds testdata/go/typefixture as the fixture set does, with `ldflags`, and runs it.
  std::string build_and_run(const std::string& ldflags) {
    std::string prog = test::build_fixture_variant(GetParam(), "typefixture", ldflags, dir);
    EXPECT_FALSE(prog.empty()) << "building typefixture for " << GetParam() << " with " << ldflags;
    return prog;
  }

  // With descriptors alone, the program's own dump still gets its types named.
  void expect_dump_types_named(const std::string& prog, const RuntimeTypes& types) {
    auto model = heap::load_heap_dump(prog + ".dump");
    auto own = nlohmann::json::parse(std::ifstream(prog + ".json"));
    ASSERT_FALSE(model.itabs.empty());
    for (const auto& itab : model.itabs) EXPECT_FALSE(types.resolve(itab.type).name.empty());
    uint64_t fin = test::hex_addr(own["objects"]["with_finalizer"]["ptr"]);
    auto f = std::find_if(model.finalizers.begin(), model.finalizers.end(),
                          [&](const auto& f) { return f.object == fin; });
    ASSERT_NE(f, model.finalizers.end());
    EXPECT_EQ(types.resolve(f->ot).name, "*main.Session");
    if (GetParam() >= "go1.22") {
      heap::ObjectId big = model.find(test::hex_addr(own["objects"]["big"]["ptr"]));
      ASSERT_NE(big, heap::kNoObject);
      auto r = types.resolve(model.word_at(model.object_contents[big], 0));
      EXPECT_EQ(r.name, "main.Big");
      EXPECT_EQ(r.dwarf, kNoType);
    }
  }

  test::TempDir tmp{"leakseek-variant"};
  const std::string& dir = tmp.path();
  nlohmann::json facts;
};

TEST_P(DwarfVariants, WithoutDwarfNamesComeFromDescriptors) {
  std::string prog = build_and_run("-w");
  auto dwarf = DwarfTypes::load(prog);
  EXPECT_FALSE(dwarf.has_dwarf());
  EXPECT_TRUE(dwarf.types().empty());
  EXPECT_TRUE(dwarf.globals().empty());
  ASSERT_EQ(dwarf.limitations().size(), 1u);
  EXPECT_NE(dwarf.limitations()[0].find("no DWARF"), std::string::npos);
  EXPECT_NE(dwarf.limitations()[0].find("-ldflags=-w"), std::string::npos);
  auto types = RuntimeTypes::load(prog, dwarf);
  EXPECT_TRUE(types.available());
  EXPECT_TRUE(types.limitations().empty());
  EXPECT_EQ(types.linked_dwarf_types(), 0u);
  EXPECT_EQ(types.go_version(), facts["go_version"].get<std::string>());
  expect_dump_types_named(prog, types);
  // The commands still run on such a binary, name globals from the symbol table, and say what
  // is missing.
  auto r = test::run_leakseek({"heap", "types", prog + ".dump", "--program", prog});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("no DWARF"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("untyped (size class"), std::string::npos) << r.out;
  r = test::run_leakseek({"heap", "summary", prog + ".dump", "--program", prog});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("main.cache"), std::string::npos) << r.out;
}

TEST_P(DwarfVariants, StrippedFindsDescriptorsThroughTypelinks) {
  std::string prog = build_and_run("-s");
  auto dwarf = DwarfTypes::load(prog);
  EXPECT_FALSE(dwarf.has_dwarf());
  ASSERT_EQ(dwarf.limitations().size(), 1u);
  EXPECT_NE(dwarf.limitations()[0].find("stripped"), std::string::npos);
  // The descriptors' bounds come from the moduledata, not from where .rodata starts (in a cgo
  // binary C's read-only data comes first): every type the dump names must read.
  auto types = RuntimeTypes::load(prog, dwarf);
  ASSERT_TRUE(types.available());
  EXPECT_TRUE(types.limitations().empty()) << types.limitations().front();
  // The version comes from .go.buildinfo when runtime.buildVersion has no symbol.
  EXPECT_EQ(types.go_version(), facts["go_version"].get<std::string>());
  expect_dump_types_named(prog, types);
}

TEST_P(DwarfVariants, GnuCompressedSectionsReadTheSame) {
  std::string orig = test::fixture_path(GetParam(), "typefixture");
  std::string z = dir + "/typefixture.zdebug";
  std::string cmd =
      "objcopy --compress-debug-sections=zlib-gnu " + shell_quoted(orig) + " " + shell_quoted(z);
  if (std::system(("command -v objcopy >/dev/null && " + cmd).c_str()) != 0)
    GTEST_SKIP() << "objcopy (binutils) unavailable";
  auto a = DwarfTypes::load(orig);
  auto b = DwarfTypes::load(z);
  ASSERT_TRUE(b.has_dwarf());
  EXPECT_EQ(a.types().size(), b.types().size());
  EXPECT_EQ(a.globals().size(), b.globals().size());
  auto sa = a.find("main.Session"), sb = b.find("main.Session");
  ASSERT_NE(sb, kNoType);
  EXPECT_EQ(a.pointer_offsets(sa), b.pointer_offsets(sb));
  EXPECT_EQ(a.type(sa).runtime_type, b.type(sb).runtime_type);
}

INSTANTIATE_TEST_SUITE_P(Go, DwarfVariants, ::testing::ValuesIn(test::heap_fixture_sets()),
                         test::GoVersionName());

}  // namespace
}  // namespace leakseek
