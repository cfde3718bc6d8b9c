#include "support/pprof_top_rows.h"

#include <regex>
#include <sstream>
#include <stdexcept>

#include "support/pprof_go_tool.h"

namespace leakseek::test {

GoTop go_pprof_top(const std::string& file, const std::string& sample_index,
                   const std::string& base) {
  std::vector<std::string> args{"-top", "-unit=B"};
  if (!sample_index.empty()) args.push_back("-sample_index=" + sample_index);
  if (!base.empty()) {
    args.push_back("-base");
    args.push_back(base);
  }
  args.push_back(file);
  std::string out = go_pprof(args);

  GoTop top;
  static const std::regex kTotal(R"(of (-?\d+)B? total)");
  std::smatch m;
  if (!std::regex_search(out, m, kTotal))
    throw std::runtime_error("no total in -top output:\n" + out);
  top.total = std::stoll(m[1].str());
  // "   327680B 53.90% 53.90%    327680B 53.90%  main.leakyGrow"; zero prints as "0".
  static const std::regex kRow(R"(^\s*(-?\d+)B?\s+\S+%\s+\S+%\s+(-?\d+)B?\s+\S+%\s\s(.+)$)");
  std::istringstream in(out);
  std::string line;
  bool table = false;
  while (std::getline(in, line)) {
    if (!table) {
      table = line.find("flat  flat%") != std::string::npos;
      continue;
    }
    if (!std::regex_match(line, m, kRow)) throw std::runtime_error("unexpected -top line: " + line);
    top.rows.push_back({m[3].str(), std::stoll(m[1].str()), std::stoll(m[2].str())});
  }
  if (!table) throw std::runtime_error("no table in -top output:\n" + out);
  return top;
}

}  // namespace leakseek::test
