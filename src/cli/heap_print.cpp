#include <cstdio>

#include "cli/commands.h"
#include "cli/heap_common.h"
#include "format/heapdump_reader.h"
#include "report/record_printer.h"

namespace leakseek::cli {

void add_heap_print(CLI::App& heap) {
  auto args = std::make_shared<HeapArgs>();
  auto* cmd = heap.add_subcommand("print", "print every record of the dump, as it is read");
  cmd->add_option("DUMP", args->dump, "heap dump")->required();
  cmd->add_flag("--json", args->json, "one JSON object per record per line");
  cmd->callback([args] {
    auto file = MappedFile::open(args->dump);
    report::RecordPrinter printer(stdout, args->json);
    format::read_heap_dump(*file, printer);
  });
}

}  // namespace leakseek::cli
