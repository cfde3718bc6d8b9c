// Go's own data, bss and type descriptor bounds, read from the runtime's symbols or, in a binary
// stripped of them, from its moduledata: the same bounds either way, on internally and
// externally linked (cgo) builds of every fixture program.
#include "binary/go_module.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "binary/runtime_types.h"
#include "goruntime/go_version.h"
#include "support/fixture_variants.h"
#include "support/fixtures.h"

namespace leakseek::binary {
namespace {

GoModule module_of(const std::string& path, const std::string& go) {
  ElfFile elf(path);
  return find_go_module(elf, go_minor_version(go));
}

std::optional<AddressRange> elf_section(const std::string& path, const char* name) {
  ElfFile elf(path);
  for (Elf_Scn* scn = nullptr; (scn = elf_nextscn(elf.elf(), scn)) != nullptr;) {
    GElf_Shdr sh;
    if (gelf_getshdr(scn, &sh) && std::string_view(elf.section_name(sh)) == name)
      return AddressRange{sh.sh_addr, sh.sh_size};
  }
  return std::nullopt;
}

bool same(const std::optional<AddressRange>& a, const std::optional<AddressRange>& b) {
  return a && b && a->addr == b->addr && a->size == b->size;
}

class GoModuleTest : public ::testing::TestWithParam<std::string> {
 protected:
  std::string stripped(const std::string& name, bool damage_pclntab = false) {
    std::string out = tmp.path() + "/" + name;
    EXPECT_TRUE(test::strip_program(test::fixture_path(GetParam(), name), out, damage_pclntab));
    return out;
  }
  test::TempDir tmp{"leakseek-gomodule"};
};

TEST_P(GoModuleTest, SymbolsAndModuledataGiveTheSameBounds) {
  const std::string go = test::fixture_facts(GetParam(), "typefixture")["go_version"];
  for (const char* name : {"heapfixture", "typefixture", "finalizerstall"}) {
    std::string prog = test::fixture_path(GetParam(), name);
    GoModule sym = module_of(prog, go);
    EXPECT_EQ(sym.source, "runtime symbols") << prog;
    ASSERT_TRUE(sym.data && sym.bss && sym.types) << prog;
    EXPECT_GT(sym.data->size, 0u);
    EXPECT_GT(sym.bss->size, 0u);
    GoModule md = module_of(stripped(name), go);
    EXPECT_TRUE(md.source.starts_with("moduledata at 0x")) << md.source;
    EXPECT_TRUE(same(sym.data, md.data)) << prog;
    EXPECT_TRUE(same(sym.bss, md.bss)) << prog;
    EXPECT_TRUE(same(sym.types, md.types)) << prog;
  }
}

TEST_P(GoModuleTest, ExternalLinkingPutsMoreThanGoInTheElfSections) {
  std::string prog = test::fixture_path(GetParam(), "heapfixture");
  const std::string go = test::fixture_facts(GetParam(), "heapfixture")["go_version"];
  GoModule m = module_of(prog, go);
  auto data = elf_section(prog, ".data"), bss = elf_section(prog, ".bss");
  ASSERT_TRUE(m.data && m.bss && data && bss);
  // Go's ranges always lie inside the sections; with external linking they are not the
  // sections, which is what made a cgo program's own binary look like another program's.
  EXPECT_GE(m.data->addr, data->addr);
  EXPECT_LE(m.data->addr + m.data->size, data->addr + data->size);
  EXPECT_GE(m.bss->addr, bss->addr);
  if (test::is_extlink(GetParam())) {
    EXPECT_FALSE(same(m.data, data) && same(m.bss, bss));
  }
}

TEST_P(GoModuleTest, NoModuledataLeavesTheBoundsUnknown) {
  // A stripped binary whose pclntab header is damaged: nothing says where Go's data is.
  std::string prog = stripped("heapfixture", true);
  GoModule m = module_of(prog, "go1.23.0");
  EXPECT_FALSE(m.data);
  EXPECT_FALSE(m.bss);
  EXPECT_FALSE(m.types);
}

INSTANTIATE_TEST_SUITE_P(Go, GoModuleTest, ::testing::ValuesIn(test::heap_fixture_sets()),
                         test::GoVersionName());

}  // namespace
}  // namespace leakseek::binary
