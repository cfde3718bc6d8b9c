#include "heap/program_match.h"

#include <fmt/format.h>

#include <optional>

namespace leakseek::heap {

ProgramMatch match_program(const HeapModel& model, const binary::ProgramSymbols& symbols,
                           const std::string& program_go_version) {
  ProgramMatch out;
  const std::string dump_version(model.go_version());
  if (!program_go_version.empty() && !dump_version.empty() && program_go_version != dump_version)
    out.mismatches.push_back(fmt::format("built with {}, but the dump was written by {}",
                                         program_go_version, dump_version));
  // The runtime dumps its first module's data and bss whole, at the addresses the linker gave
  // them (a position-independent build moves them; then nothing in the binary lines up either).
  // A position-independent program's segments all moved by one page-aligned bias.
  std::optional<uint64_t> bias;
  if (symbols.position_independent()) {
    for (const Segment& seg : model.segments) {
      auto go = seg.bss ? symbols.go_bss() : symbols.go_data();
      if (!go || go->size != seg.size) {
        bias.reset();
        break;
      }
      uint64_t b = seg.addr - go->addr;
      if ((bias && *bias != b) || b % 4096 != 0) {
        bias.reset();
        break;
      }
      bias = b;
    }
    if (bias) out.load_bias = *bias;
  }
  for (const Segment& seg : model.segments) {
    const char* what = seg.bss ? "bss" : "data";
    auto go = seg.bss ? symbols.go_bss() : symbols.go_data();
    if (!go) {
      out.unchecked.push_back(fmt::format(
          "Go's {} bounds not found (no runtime.{} symbol, no moduledata): cannot check that "
          "this binary wrote the dump",
          what, what));
      continue;
    }
    if (go->addr + out.load_bias != seg.addr || go->size != seg.size) {
      out.mismatches.push_back(
          fmt::format("its Go {} is {:#x}+{:#x} ({}), but the dump's is {:#x}+{:#x}", what,
                      go->addr, go->size, symbols.go_segments_source(), seg.addr, seg.size));
    }
  }
  return out;
}

}  // namespace leakseek::heap
