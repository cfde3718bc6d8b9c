#include "heap/program_match.h"

#include <fmt/format.h>

namespace leakseek::heap {

std::vector<std::string> program_mismatches(const HeapModel& model,
                                            const binary::ProgramSymbols& symbols,
                                            const std::string& program_go_version) {
  std::vector<std::string> out;
  const std::string dump_version(model.go_version());
  if (!program_go_version.empty() && !dump_version.empty() && program_go_version != dump_version)
    out.push_back(fmt::format("built with {}, but the dump was written by {}", program_go_version,
                              dump_version));
  // The runtime dumps its first module's data and bss sections whole, where the ELF file put
  // them (a position-independent build moves them; then nothing in the binary lines up either).
  for (const Segment& seg : model.segments) {
    auto section = seg.bss ? symbols.bss_section() : symbols.data_section();
    if (!section) continue;
    if (section->addr != seg.addr || section->size != seg.size) {
      out.push_back(fmt::format("its {} section is {:#x}+{:#x}, but the dump's is {:#x}+{:#x}",
                                seg.bss ? ".bss" : ".data", section->addr, section->size, seg.addr,
                                seg.size));
    }
  }
  return out;
}

}  // namespace leakseek::heap
