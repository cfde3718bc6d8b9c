#pragma once
// Where a Go program's own data, bss and type descriptors are: the bounds the runtime keeps in
// its first moduledata. They are not the ELF sections of the same names: an externally linked
// (cgo) program's .data and .bss also hold the C objects' variables, and the heap dump writes
// Go's ranges only.
#include <cstdint>
#include <optional>
#include <string>

#include "binary/elf_file.h"
#include "binary/program_symbols.h"

namespace leakseek::binary {

struct GoModule {
  std::optional<AddressRange> data;   // [runtime.data, runtime.edata)
  std::optional<AddressRange> bss;    // [runtime.bss, runtime.ebss)
  std::optional<AddressRange> types;  // [runtime.types, runtime.etypes)
  // Go 1.27 lists no .typelink section: the descriptors reflect can look up come first in the
  // types area, [types + ptrsize, types + typedesclen), one after another.
  std::optional<AddressRange> typelinks;
  // Where the bounds were read, in words for the user: "runtime symbols" or "moduledata at 0x…".
  std::string source;
};

// Reads the bounds from the runtime's symbols or, in a binary stripped of them, from the
// moduledata (found by its first word, the address of the pclntab header). `go_minor` is the
// toolchain's minor version, which decides where moduledata keeps the type bounds; without it
// `types` stays empty. Fields that cannot be found stay empty; nothing here throws.
GoModule find_go_module(const ElfFile& elf, std::optional<int> go_minor);

}  // namespace leakseek::binary
