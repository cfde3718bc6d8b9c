#include "format/prometheus_text_reader.h"

#include <charconv>
#include <cstdint>
#include <functional>
#include <set>
#include <system_error>

#include "util/input_error.h"

namespace leakseek::format {

namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}
bool is_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Parses one line; every failure names the line's offset in the whole text.
class LineParser {
 public:
  LineParser(std::string_view line, uint64_t offset, const std::string& source,
             std::set<std::string, std::less<>>& helped)
      : line_(line), offset_(offset), source_(source), helped_(helped) {}

  void parse_into(Metrics& metrics) {
    skip_blanks();
    if (at_end()) return;
    if (line_[pos_] == '#') {
      pos_++;
      parse_comment(metrics);
    } else {
      metrics.samples.push_back(parse_sample());
    }
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw InputError(source_, offset_, "metrics text: " + what);
  }

  bool at_end() const { return pos_ >= line_.size(); }
  void skip_blanks() {
    while (!at_end() && is_blank(line_[pos_])) pos_++;
  }
  std::string_view token() {
    size_t start = pos_;
    while (!at_end() && !is_blank(line_[pos_])) pos_++;
    return line_.substr(start, pos_ - start);
  }

  // [a-zA-Z_:][a-zA-Z0-9_:]*, or [a-zA-Z_][a-zA-Z0-9_]* for label names.
  std::string_view name(bool allow_colon) {
    size_t start = pos_;
    auto ok = [&](char c, bool first) {
      return is_letter(c) || c == '_' || (allow_colon && c == ':') || (!first && is_digit(c));
    };
    while (!at_end() && ok(line_[pos_], pos_ == start)) pos_++;
    return line_.substr(start, pos_ - start);
  }

  std::string_view metric_name(const char* where) {
    auto n = name(true);
    if (n.empty()) fail(std::string("expected a metric name ") + where);
    return n;
  }

  // "# HELP name text", "# TYPE name type"; any other comment is ignored.
  void parse_comment(Metrics& metrics) {
    skip_blanks();
    auto keyword = token();
    if (keyword != "HELP" && keyword != "TYPE") return;
    skip_blanks();
    if (at_end()) return;  // a bare "# HELP" is only a comment
    auto family_name = metric_name(keyword == "HELP" ? "after HELP" : "after TYPE");
    if (!at_end() && !is_blank(line_[pos_]))
      fail("unexpected character '" + std::string(1, line_[pos_]) + "' in metric name");
    skip_blanks();
    auto& family = metrics.families[std::string(family_name)];
    if (keyword == "HELP") {
      if (!helped_.emplace(family_name).second)
        fail("second HELP line for " + std::string(family_name));
      family.help = help_text();
    } else {
      if (!family.type.empty()) fail("second TYPE line for " + std::string(family_name));
      auto type = token();
      if (type != "counter" && type != "gauge" && type != "histogram" && type != "summary" &&
          type != "untyped")
        fail("unknown metric type \"" + std::string(type) + "\"");
      skip_blanks();
      if (!at_end()) fail("unexpected text after the metric type");
      family.type = type;
    }
  }

  // The rest of the line with "\\" and "\n" unescaped.
  std::string help_text() {
    std::string text;
    for (; !at_end(); pos_++) {
      char c = line_[pos_];
      if (c != '\\') {
        text += c;
        continue;
      }
      if (++pos_ >= line_.size()) fail("unterminated escape sequence in HELP text");
      if (line_[pos_] == '\\')
        text += '\\';
      else if (line_[pos_] == 'n')
        text += '\n';
      else
        fail("invalid escape sequence \"\\" + std::string(1, line_[pos_]) + "\" in HELP text");
    }
    return text;
  }

  MetricSample parse_sample() {
    MetricSample sample;
    sample.name = metric_name("at the start of a sample");
    skip_blanks();
    if (!at_end() && line_[pos_] == '{') {
      pos_++;
      parse_labels(sample);
      skip_blanks();
    }
    auto value = token();
    if (value.empty()) fail("missing value for " + sample.name);
    sample.value = parse_value(value);
    skip_blanks();
    if (at_end()) return sample;
    auto timestamp = token();
    int64_t ms = 0;
    auto [end, ec] = std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), ms);
    if (ec != std::errc() || end != timestamp.data() + timestamp.size())
      fail("bad timestamp \"" + std::string(timestamp) + "\"");
    sample.timestamp_ms = ms;
    skip_blanks();
    if (!at_end()) fail("unexpected text after the timestamp");
    return sample;
  }

  // After "{": name="value" pairs separated by commas, a trailing comma allowed, up to "}".
  void parse_labels(MetricSample& sample) {
    for (;;) {
      skip_blanks();
      if (at_end()) fail("unterminated label set");
      if (line_[pos_] == '}') {
        pos_++;
        return;
      }
      auto label = name(false);
      if (label.empty()) fail("expected a label name");
      skip_blanks();
      if (at_end() || line_[pos_] != '=') fail("expected '=' after label " + std::string(label));
      pos_++;
      skip_blanks();
      if (at_end() || line_[pos_] != '"')
        fail("expected '\"' to open the value of label " + std::string(label));
      pos_++;
      auto value = label_value(label);
      if (sample.labels.size() >= kMaxPrometheusLabelsPerSample)
        fail("more than " + std::to_string(kMaxPrometheusLabelsPerSample) + " labels");
      if (!sample.labels.emplace(label, std::move(value)).second)
        fail("duplicate label " + std::string(label));
      skip_blanks();
      if (at_end()) fail("unterminated label set");
      if (line_[pos_] == ',')
        pos_++;
      else if (line_[pos_] != '}')
        fail("expected ',' or '}' after label " + std::string(label));
    }
  }

  // After the opening quote: the value up to the closing quote, unescaping \\, \" and \n.
  std::string label_value(std::string_view label) {
    std::string value;
    for (; !at_end(); pos_++) {
      char c = line_[pos_];
      if (c == '"') {
        pos_++;
        return value;
      }
      if (c != '\\') {
        value += c;
        continue;
      }
      if (++pos_ >= line_.size()) break;
      switch (line_[pos_]) {
        case '\\':
          value += '\\';
          break;
        case '"':
          value += '"';
          break;
        case 'n':
          value += '\n';
          break;
        default:
          fail("invalid escape sequence \"\\" + std::string(1, line_[pos_]) + "\" in label " +
               std::string(label));
      }
    }
    fail("unterminated value of label " + std::string(label));
  }

  // A Go float: decimal or exponent form, NaN, +Inf, -Inf (any case, as strconv.ParseFloat).
  double parse_value(std::string_view text) const {
    std::string_view number = text;
    // from_chars takes no '+' sign.
    if (number.size() > 1 && number[0] == '+' && number[1] != '-' && number[1] != '+')
      number.remove_prefix(1);
    double v = 0;
    auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), v);
    if (ec == std::errc::result_out_of_range)
      fail("sample value \"" + std::string(text) + "\" is out of range");
    if (ec != std::errc() || end != number.data() + number.size())
      fail("bad sample value \"" + std::string(text) + "\"");
    return v;
  }

  std::string_view line_;
  size_t pos_ = 0;
  uint64_t offset_;
  const std::string& source_;
  std::set<std::string, std::less<>>& helped_;  // families whose HELP line was seen
};

}  // namespace

Metrics read_prometheus_text(std::string_view text, const std::string& source_for_errors) {
  Metrics metrics;
  std::set<std::string, std::less<>> helped;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    auto line = text.substr(pos, end - pos);
    if (line.size() > kMaxPrometheusLineBytes)
      throw InputError(source_for_errors, pos,
                       "metrics text: line of " + std::to_string(line.size()) +
                           " bytes is longer than the limit of " +
                           std::to_string(kMaxPrometheusLineBytes));
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    LineParser(line, pos, source_for_errors, helped).parse_into(metrics);
    pos = end + 1;
  }
  return metrics;
}

}  // namespace leakseek::format
