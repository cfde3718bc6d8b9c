#pragma once
// What the program binary tells about addresses in a dump: the global variable that holds a
// data/bss word, the type a runtime type descriptor describes, the function a pc is in.
// Read from the ELF symbol table; no Go toolchain needed.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace leakseek::binary {

struct AddressRange {
  uint64_t addr = 0;
  uint64_t size = 0;
};

struct Symbol {
  uint64_t addr = 0;
  uint64_t size = 0;
  std::string name;
};

class ProgramSymbols {
 public:
  // Throws InputError when the file is missing or not an ELF file.
  static ProgramSymbols load(const std::string& path);

  // The variable whose [addr, addr + size) contains `addr`.
  const Symbol* variable_at(uint64_t addr) const;
  // The function containing `pc`.
  const Symbol* function_at(uint64_t pc) const;
  // The Go type named by the type descriptor at exactly `addr` ("*main.Node").
  std::optional<std::string_view> type_at(uint64_t addr) const;

  const std::string& path() const { return path_; }
  bool has_symbols() const { return has_symtab_; }
  bool has_dwarf() const { return has_dwarf_; }
  // Go's own data and bss, which a heap dump's data and bss segments are (not the ELF sections:
  // in a cgo binary those hold C variables too); empty when neither the runtime's symbols nor
  // its moduledata read. `go_segments_source()` says which of the two gave them.
  std::optional<AddressRange> go_data() const { return data_; }
  std::optional<AddressRange> go_bss() const { return bss_; }
  const std::string& go_segments_source() const { return segments_source_; }
  size_t variable_count() const { return variables_.size(); }
  size_t type_count() const { return types_.size(); }
  // Moves every address by `bias` (a position-independent program, where it was loaded).
  void relocate(uint64_t bias);
  // Whether the file is position-independent (ELF type ET_DYN): it runs at a load bias.
  bool position_independent() const { return pie_; }
  // What is missing from the binary, in words for the user ("no symbol table: stripped").
  std::vector<std::string> limitations() const;

 private:
  std::string path_;
  bool has_symtab_ = false;
  bool has_dwarf_ = false;
  std::optional<AddressRange> data_;
  std::optional<AddressRange> bss_;
  std::string segments_source_;
  bool pie_ = false;
  std::vector<Symbol> variables_;  // sorted by addr
  std::vector<Symbol> functions_;  // sorted by addr
  std::vector<Symbol> types_;      // sorted by addr, name without the "type:" prefix
};

}  // namespace leakseek::binary
