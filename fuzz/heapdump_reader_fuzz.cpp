// Feeds arbitrary bytes through the whole heap dump loader (reader, sort, edge resolution,
// roots) and the reachability pass. Only InputError may come out.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "heap/heap_loader.h"
#include "heap/reachability.h"
#include "util/input_error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = "/tmp/leakseek-fuzz-" + std::to_string(getpid()) + ".dump";
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  try {
    auto model = leakseek::heap::load_heap_dump(path, {.release_pages = false, .progress = {}});
    auto reach = leakseek::heap::compute_reachability(model);
    for (leakseek::heap::ObjectId id = 0; id < model.object_count(); id++)
      (void)model.pointer_offsets(id);
    (void)reach;
  } catch (const leakseek::InputError&) {
  }
  return 0;
}
