#include "binary/program_symbols.h"

#include <gelf.h>
#include <libelf.h>

#include <algorithm>
#include <cstring>

#include "binary/elf_file.h"
#include "binary/go_module.h"
#include "util/input_error.h"

namespace leakseek::binary {

namespace {

const Symbol* containing(const std::vector<Symbol>& v, uint64_t addr) {
  auto it = std::upper_bound(v.begin(), v.end(), addr,
                             [](uint64_t a, const Symbol& s) { return a < s.addr; });
  if (it == v.begin()) return nullptr;
  --it;
  uint64_t size = it->size ? it->size : 1;
  return addr - it->addr < size ? &*it : nullptr;
}

// Go names type descriptors "type:T" since 1.20 and "type.T" before.
std::optional<std::string> type_symbol_name(std::string_view name) {
  for (std::string_view prefix : {"type:", "type."}) {
    if (name.substr(0, prefix.size()) == prefix && name.size() > prefix.size()) {
      std::string_view rest = name.substr(prefix.size());
      // Skip the runtime's helper symbols that share the prefix ("type:.eq.main.T", "type:*").
      if (rest.front() == '.' || rest == "*") return std::nullopt;
      return std::string(rest);
    }
  }
  return std::nullopt;
}

}  // namespace

ProgramSymbols ProgramSymbols::load(const std::string& path) {
  ProgramSymbols out;
  out.path_ = path;
  ElfFile h(path);

  for (Elf_Scn* scn = nullptr; (scn = elf_nextscn(h.elf(), scn)) != nullptr;) {
    GElf_Shdr sh;
    if (!gelf_getshdr(scn, &sh)) continue;
    const char* sname = h.section_name(sh);
    if (sname &&
        (std::strcmp(sname, ".debug_info") == 0 || std::strcmp(sname, ".zdebug_info") == 0)) {
      out.has_dwarf_ = true;
    }
    if (sh.sh_type != SHT_SYMTAB) continue;
    out.has_symtab_ = true;
    Elf_Data* data = elf_getdata(scn, nullptr);
    if (!data || sh.sh_entsize == 0) continue;
    size_t count = sh.sh_size / sh.sh_entsize;
    for (size_t i = 0; i < count; i++) {
      GElf_Sym sym;
      if (!gelf_getsym(data, static_cast<int>(i), &sym) || sym.st_value == 0) continue;
      const char* name = elf_strptr(h.elf(), sh.sh_link, sym.st_name);
      if (!name || !*name) continue;
      int type = GELF_ST_TYPE(sym.st_info);
      if (type == STT_FUNC) {
        out.functions_.push_back({sym.st_value, sym.st_size, name});
      } else if (type == STT_OBJECT) {
        if (auto t = type_symbol_name(name)) {
          out.types_.push_back({sym.st_value, sym.st_size, std::move(*t)});
        } else {
          out.variables_.push_back({sym.st_value, sym.st_size, name});
        }
      }
    }
  }
  out.pie_ = h.header().e_type == ET_DYN;
  GoModule module = find_go_module(h, std::nullopt);
  out.data_ = module.data;
  out.bss_ = module.bss;
  out.segments_source_ = std::move(module.source);
  // Where symbols share an address, the sized one sorts last, so lookups find it: an externally
  // linked binary puts the zero-size markers (runtime.bss) at its first variable's address.
  auto by_addr = [](const Symbol& a, const Symbol& b) {
    return a.addr != b.addr ? a.addr < b.addr : a.size < b.size;
  };
  for (auto* v : {&out.variables_, &out.functions_, &out.types_})
    std::stable_sort(v->begin(), v->end(), by_addr);
  return out;
}

const Symbol* ProgramSymbols::variable_at(uint64_t addr) const {
  return containing(variables_, addr);
}
const Symbol* ProgramSymbols::function_at(uint64_t pc) const {
  return containing(functions_, pc);
}

std::optional<std::string_view> ProgramSymbols::type_at(uint64_t addr) const {
  auto it = std::lower_bound(types_.begin(), types_.end(), addr,
                             [](const Symbol& s, uint64_t a) { return s.addr < a; });
  if (it == types_.end() || it->addr != addr) return std::nullopt;
  return it->name;
}

void ProgramSymbols::relocate(uint64_t bias) {
  for (auto* v : {&variables_, &functions_, &types_})
    for (auto& s : *v) s.addr += bias;
  for (auto* r : {&data_, &bss_})
    if (*r) (*r)->addr += bias;
}

std::vector<std::string> ProgramSymbols::limitations() const {
  std::vector<std::string> out;
  if (!has_symtab_) out.push_back("no symbol table (stripped with -s): globals stay unnamed");
  if (!has_dwarf_) out.push_back("no DWARF (built with -w)");
  return out;
}

}  // namespace leakseek::binary
