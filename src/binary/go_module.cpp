#include "binary/go_module.h"

#include <fmt/format.h>

#include <span>
#include <string_view>
#include <vector>

namespace leakseek::binary {

namespace {

// runtime.moduledata, in pointer-sized words, the same from Go 1.16 to 1.27 up to noptrbss:
// pcHeader, five slices (funcnametab, cutab, filetab, pctab, pclntable), ftab (a slice),
// findfunctab, minpc, maxpc, text, etext, noptrdata, enoptrdata, data, edata, bss, ebss.
constexpr size_t kPcHeader = 0, kText = 22, kNoptrdata = 24, kData = 26, kBss = 28;
// pcHeader.magic: Go 1.16-1.17, 1.18-1.19, 1.20 and later.
constexpr uint32_t kPclnMagics[] = {0xfffffffa, 0xfffffff0, 0xfffffff1};

// The words after noptrbss moved: 1.20 added covctrs before `end, gcdata, gcbss, types,
// etypes`, and 1.27 put typedesclen between types and etypes.
struct TypeWords {
  size_t begin, end;
};
std::optional<TypeWords> type_words(std::optional<int> minor) {
  if (!minor || *minor < 16) return std::nullopt;
  if (*minor < 20) return TypeWords{35, 36};
  if (*minor < 27) return TypeWords{37, 38};
  return TypeWords{37, 39};
}
constexpr size_t kWordsRead = 40;
constexpr size_t kTypes27 = 37, kTypedesclen27 = 38;

struct Section {
  GElf_Shdr sh;
  std::string_view name;
  std::span<const uint8_t> bytes;  // empty for NOBITS
};

class Words {
 public:
  explicit Words(const ElfFile& elf) : size_(elf.ptr_size()), big_endian_(elf.big_endian()) {}
  size_t size() const { return size_; }
  // Word `i` of `b`, which must hold it.
  uint64_t at(std::span<const uint8_t> b, size_t i) const {
    return decode(b.data() + i * size_, size_);
  }
  uint64_t decode(const uint8_t* p, size_t n) const {
    uint64_t v = 0;
    for (size_t k = 0; k < n; k++) v |= uint64_t{p[big_endian_ ? n - 1 - k : k]} << (8 * k);
    return v;
  }

 private:
  size_t size_;
  bool big_endian_;
};

std::vector<Section> sections(const ElfFile& elf) {
  std::vector<Section> out;
  for (Elf_Scn* scn = nullptr; (scn = elf_nextscn(elf.elf(), scn)) != nullptr;) {
    Section s;
    if (!gelf_getshdr(scn, &s.sh)) continue;
    s.name = elf.section_name(s.sh);
    // Only loaded sections hold what is looked for here; DWARF's are left unread.
    if ((s.sh.sh_flags & SHF_ALLOC) && s.sh.sh_type != SHT_NOBITS) {
      Elf_Data* d = elf_getdata(scn, nullptr);
      if (d && d->d_buf && d->d_size == s.sh.sh_size)
        s.bytes = {static_cast<const uint8_t*>(d->d_buf), d->d_size};
    }
    out.push_back(s);
  }
  return out;
}

const Section* section_holding(const std::vector<Section>& secs, uint64_t addr, uint64_t size) {
  for (const auto& s : secs) {
    if (!(s.sh.sh_flags & SHF_ALLOC)) continue;
    if (addr >= s.sh.sh_addr && addr - s.sh.sh_addr <= s.sh.sh_size &&
        size <= s.sh.sh_size - (addr - s.sh.sh_addr))
      return &s;
  }
  return nullptr;
}

std::optional<AddressRange> range(uint64_t begin, uint64_t end) {
  if (end < begin) return std::nullopt;
  return AddressRange{begin, end - begin};
}

struct RuntimeSymbols {
  std::optional<uint64_t> data, edata, bss, ebss, types, etypes, moduledata;
};

RuntimeSymbols runtime_symbols(const ElfFile& elf) {
  RuntimeSymbols out;
  for (Elf_Scn* scn = nullptr; (scn = elf_nextscn(elf.elf(), scn)) != nullptr;) {
    GElf_Shdr sh;
    if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || sh.sh_entsize == 0) continue;
    Elf_Data* data = elf_getdata(scn, nullptr);
    for (size_t i = 0; data && i < sh.sh_size / sh.sh_entsize; i++) {
      GElf_Sym sym;
      if (!gelf_getsym(data, static_cast<int>(i), &sym)) continue;
      const char* n = elf_strptr(elf.elf(), sh.sh_link, sym.st_name);
      if (!n || n[0] != 'r') continue;
      std::string_view name = n;
      std::optional<uint64_t>* slot = name == "runtime.data"              ? &out.data
                                      : name == "runtime.edata"           ? &out.edata
                                      : name == "runtime.bss"             ? &out.bss
                                      : name == "runtime.ebss"            ? &out.ebss
                                      : name == "runtime.types"           ? &out.types
                                      : name == "runtime.etypes"          ? &out.etypes
                                      : name == "runtime.firstmoduledata" ? &out.moduledata
                                                                          : nullptr;
      if (slot) *slot = sym.st_value;
    }
  }
  return out;
}

// The moduledata's words, when `addr` holds one: its first word points at a pclntab header and
// its bounds are ordered and lie in the binary's sections.
std::optional<std::vector<uint64_t>> moduledata_at(const std::vector<Section>& secs, const Words& w,
                                                   uint64_t addr) {
  const Section* s = section_holding(secs, addr, kWordsRead * w.size());
  if (!s || s->bytes.empty()) return std::nullopt;
  auto b = s->bytes.subspan(addr - s->sh.sh_addr, kWordsRead * w.size());
  std::vector<uint64_t> words(kWordsRead);
  for (size_t i = 0; i < kWordsRead; i++) words[i] = w.at(b, i);
  for (size_t i : {kText, kNoptrdata, kData, kBss})
    if (words[i] > words[i + 1]) return std::nullopt;
  if (!section_holding(secs, words[kData], words[kData + 1] - words[kData]) ||
      !section_holding(secs, words[kBss], words[kBss + 1] - words[kBss]))
    return std::nullopt;
  return words;
}

// Scans the writable sections for the word that points at the pclntab header: the moduledata's
// first field. Go's linker puts the moduledata in .noptrdata (.go.module from Go 1.26).
std::optional<std::pair<uint64_t, std::vector<uint64_t>>> find_moduledata(
    const std::vector<Section>& secs, const Words& w) {
  const Section* pcln = nullptr;
  for (const auto& s : secs)
    if (s.name == ".gopclntab") pcln = &s;
  if (!pcln || pcln->bytes.size() < 4) return std::nullopt;
  const auto magic = static_cast<uint32_t>(w.decode(pcln->bytes.data(), 4));
  bool known = false;
  for (uint32_t m : kPclnMagics) known |= magic == m;
  if (!known) return std::nullopt;
  const uint64_t header = pcln->sh.sh_addr;
  for (const auto& s : secs) {
    if (!(s.sh.sh_flags & SHF_WRITE) || s.bytes.empty()) continue;
    for (size_t off = 0; off + w.size() <= s.bytes.size(); off += w.size()) {
      if (w.at(s.bytes.subspan(off), kPcHeader) != header) continue;
      uint64_t addr = s.sh.sh_addr + off;
      if (auto words = moduledata_at(secs, w, addr)) return std::pair(addr, std::move(*words));
    }
  }
  return std::nullopt;
}

}  // namespace

GoModule find_go_module(const ElfFile& elf, std::optional<int> go_minor) {
  GoModule out;
  const auto secs = sections(elf);
  const Words w(elf);
  const RuntimeSymbols sym = runtime_symbols(elf);
  // typedesclen has no symbol of its own: Go 1.27 binaries need the moduledata for it.
  const bool want_typelinks = go_minor && *go_minor >= 27;
  if (sym.data && sym.edata && sym.bss && sym.ebss) {
    out.data = range(*sym.data, *sym.edata);
    out.bss = range(*sym.bss, *sym.ebss);
    if (sym.types && sym.etypes) out.types = range(*sym.types, *sym.etypes);
    out.source = "runtime symbols";
    if (out.data && out.bss && (out.types || !type_words(go_minor)) && !want_typelinks) return out;
  }
  std::optional<std::pair<uint64_t, std::vector<uint64_t>>> md;
  if (sym.moduledata) {
    if (auto words = moduledata_at(secs, w, *sym.moduledata))
      md = std::pair(*sym.moduledata, std::move(*words));
  }
  if (!md) md = find_moduledata(secs, w);
  if (!md) return out;
  const auto& words = md->second;
  if (!out.data || !out.bss) {
    out.data = range(words[kData], words[kData + 1]);
    out.bss = range(words[kBss], words[kBss + 1]);
    out.source = fmt::format("moduledata at {:#x}", md->first);
  }
  if (!out.types) {
    if (auto tw = type_words(go_minor)) {
      auto t = range(words[tw->begin], words[tw->end]);
      if (t && t->size > 0 && section_holding(secs, t->addr, t->size)) out.types = t;
    }
  }
  if (want_typelinks && out.types && words[kTypes27] == out.types->addr &&
      words[kTypedesclen27] <= out.types->size && words[kTypedesclen27] > w.size()) {
    out.typelinks = AddressRange{out.types->addr + w.size(), words[kTypedesclen27] - w.size()};
  }
  return out;
}

}  // namespace leakseek::binary
