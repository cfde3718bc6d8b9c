#include "format/goroutine_labels.h"

#include <string>

namespace leakseek::format {

namespace {

// A Go %q string at the start of `s`; consumes it. Escapes other than \" \\ \n \t \r stay as
// written: labels are for reading, not for round trips.
bool quoted(std::string_view& s, std::string& out) {
  if (s.empty() || s[0] != '"') return false;
  out.clear();
  for (size_t i = 1; i < s.size(); i++) {
    char c = s[i];
    if (c == '"') {
      s.remove_prefix(i + 1);
      return true;
    }
    if (c == '\\' && i + 1 < s.size()) {
      char e = s[++i];
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        default:
          out += '\\';
          out += e;
      }
      continue;
    }
    out += c;
  }
  return false;
}

// A bare word up to one of `stops`.
std::string_view bare(std::string_view& s, std::string_view stops) {
  size_t end = s.find_first_of(stops);
  std::string_view w = s.substr(0, end);
  s.remove_prefix(w.size());
  return w;
}

void skip_spaces(std::string_view& s) {
  while (!s.empty() && s[0] == ' ') s.remove_prefix(1);
}

}  // namespace

bool parse_labels(std::string_view body, goroutines::StringArena& arena,
                  std::vector<goroutines::Label>& out) {
  std::string key, value;
  skip_spaces(body);
  while (!body.empty()) {
    if (body[0] == '"') {
      if (!quoted(body, key)) return false;
    } else {
      key = bare(body, ":=");
      if (key.empty()) return false;
    }
    skip_spaces(body);
    if (body.empty() || (body[0] != ':' && body[0] != '=')) return false;
    body.remove_prefix(1);
    skip_spaces(body);
    if (!body.empty() && body[0] == '"') {
      if (!quoted(body, value)) return false;
    } else {
      value = bare(body, ",");
      while (!value.empty() && value.back() == ' ') value.pop_back();
    }
    out.push_back({arena.copy(key), arena.copy(value)});
    skip_spaces(body);
    if (body.empty()) break;
    if (body[0] != ',') return false;
    body.remove_prefix(1);
    skip_spaces(body);
    if (body.empty()) return false;
  }
  return true;
}

}  // namespace leakseek::format
