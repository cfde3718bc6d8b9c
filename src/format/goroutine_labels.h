#pragma once
// pprof labels as goroutine dumps print them: debug=1 `# labels: {"k":"v", "k2":"v2"}` (Go
// quotes both sides with %q) and, from Go 1.27, the same braces after a traceback header. The
// unquoted forms k:v and k=v are accepted too.
#include <string_view>
#include <vector>

#include "goroutines/goroutine_dump.h"

namespace leakseek::format {

// Parses the text between the braces into `out` (strings stored in `arena`); false when it is
// not a list of key/value pairs.
bool parse_labels(std::string_view body, goroutines::StringArena& arena,
                  std::vector<goroutines::Label>& out);

}  // namespace leakseek::format
