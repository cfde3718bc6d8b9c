#include "support/pprof_example.h"

namespace leakseek::test {

profiles::ProfileData example_profile_data() {
  using namespace profiles;
  ProfileData d;
  d.sample_types = {{"alloc_objects", "count"},
                    {"alloc_space", "bytes"},
                    {"inuse_objects", "count"},
                    {"inuse_space", "bytes"}};
  d.functions = {
      {1, "main.leakyAlloc", "main.leakyAlloc", "/src/leaky/main.go", 40},
      {2, "main.main", "main.main", "/src/leaky/main.go", 10},
      {3, "runtime.main", "runtime.main", "/usr/lib/go/src/runtime/proc.go", 140},
      {7, "main.inlined", "main.inlined", "/src/leaky/util.go", 5},
  };
  d.mappings = {
      {1, 0x400000, 0x500000, 0, "/usr/local/bin/leaky", "b1d0000c0ffee", true, true, true, true},
      {2, 0x7fff0000, 0x7fff2000, 0x1000, "[vdso]", "", false, false, false, false},
  };
  d.locations = {
      {10, 1, 0x401000, {{7, 7, 3}, {1, 45, 9}}, false},
      {11, 1, 0x402000, {{2, 20, 0}}, false},
      {12, 1, 0x403000, {{3, 250, 0}}, false},
      {13, 0, 0, {{2, 22, 0}}, true},
  };
  d.samples = {
      {{10, 11, 12}, {1000, 4096000, 1000, 4096000}, {{"bytes", "", 4096, ""}}},
      {{13, 12}, {10, 640, 2, 128}, {{"worker", "leakseek", 0, ""}, {"request", "", 512, "bytes"}}},
      {{11, 12}, {2, 64, 1, 64}, {}},
  };
  d.comments = {"written by leakseek tests", "second comment"};
  d.drop_frames = "leakseek\\.drop";
  d.keep_frames = "leakseek\\.keep";
  d.time_nanos = 1700000000123456789;
  d.duration_nanos = 30'000'000'000;
  d.period_type = {"space", "bytes"};
  d.period = 524288;
  d.default_sample_type = "alloc_space";
  d.doc_url = "https://example.com/leaky";
  return d;
}

}  // namespace leakseek::test
