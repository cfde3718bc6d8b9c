#include "support/fixture_variants.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string_view>

#include "binary/elf_file.h"

#include "support/fixtures.h"

namespace leakseek::test {

namespace {

// Paths here come from mkdtemp and the build tree and never hold a quote.
std::string shell_quoted(const std::string& s) {
  return "'" + s + "'";
}

}  // namespace

std::string build_fixture_variant(const std::string& set, const std::string& name,
                                  const std::string& ldflags, const std::string& dir,
                                  const std::string& buildmode) {
  const std::filesystem::path root = LEAKSEEK_SOURCE_DIR;
  const bool extlink = is_extlink(set);
  std::string flags = extlink ? "-linkmode=external " + ldflags : ldflags;
  std::string prog = dir + "/" + name;
  // Module mode off and a local toolchain: the build never touches the network.
  std::string cmd =
      "cd " + shell_quoted((root / "testdata/go" / name).string()) +
      " && env GO111MODULE=off GOFLAGS= CGO_ENABLED=" + (extlink ? "1" : "0") +
      " GOTOOLCHAIN=local GOENV=off GOCACHE=" + shell_quoted(fixture_dir() + "/.gocache") +
      " HOME=" + shell_quoted(dir) + " " + shell_quoted(go_tool(go_of(set))) + " build " +
      (buildmode.empty() ? "" : "-buildmode=" + buildmode + " ") +
      "-ldflags=" + shell_quoted(flags) + " -o " + shell_quoted(prog) + " . && " +
      shell_quoted(prog) + " " + shell_quoted(prog + ".dump") + " " + shell_quoted(prog + ".json");
  return std::system(cmd.c_str()) == 0 ? prog : "";
}

bool strip_program(const std::string& prog, const std::string& out, bool damage_pclntab) {
  std::string cmd = "objcopy --strip-all " + shell_quoted(prog) + " " + shell_quoted(out);
  if (std::system(cmd.c_str()) != 0) return false;
  if (!damage_pclntab) return true;
  binary::ElfFile elf(out);
  for (Elf_Scn* scn = nullptr; (scn = elf_nextscn(elf.elf(), scn)) != nullptr;) {
    GElf_Shdr sh;
    if (!gelf_getshdr(scn, &sh) || std::string_view(elf.section_name(sh)) != ".gopclntab") continue;
    std::fstream f(out, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(sh.sh_offset));
    f.write("\0\0\0\0", 4);
    return static_cast<bool>(f);
  }
  return false;
}

}  // namespace leakseek::test
