#include "format/goroutine_text_reader.h"

#include <charconv>
#include <optional>

#include "format/goroutine_labels.h"
#include "format/goroutine_state_inference.h"
#include "util/input_error.h"

namespace leakseek::format {

using goroutines::CreatedBy;
using goroutines::DumpForm;
using goroutines::Frame;
using goroutines::Goroutine;
using goroutines::GoroutineDump;

namespace {

// Walks the text one line at a time; offset() is where the current line starts.
class Lines {
 public:
  explicit Lines(std::string_view text) : text_(text) {}
  bool next(std::string_view& line) {
    if (pos_ >= text_.size()) return false;
    start_ = pos_;
    size_t nl = text_.find('\n', pos_);
    size_t end = nl == std::string_view::npos ? text_.size() : nl;
    pos_ = nl == std::string_view::npos ? text_.size() : nl + 1;
    line = text_.substr(start_, end - start_);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return true;
  }
  uint64_t offset() const { return start_; }

 private:
  std::string_view text_;
  size_t pos_ = 0;
  size_t start_ = 0;
};

// Parses all of `s` as an unsigned number in `base`; none when anything else is there.
std::optional<uint64_t> parse_uint(std::string_view s, int base = 10) {
  uint64_t v = 0;
  if (s.empty()) return std::nullopt;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<uint64_t> parse_hex(std::string_view s) {
  if (!s.starts_with("0x")) return std::nullopt;
  return parse_uint(s.substr(2), 16);
}

struct Header {
  uint64_t id = 0;
  std::string_view state;
  int64_t wait_minutes = 0;
  bool locked = false;
  bool leaked = false;      // " (leaked)" after the state: Go 1.26+'s goroutine leak detection
  std::string_view labels;  // the text between the braces, if any
  bool has_labels = false;
};

// "goroutine 7 [chan receive, 3 minutes, locked to thread]:", from Go 1.21 with
// " gp=0x... m=N mp=0x..." (or "m=nil") before the bracket when the runtime is crashing or
// GOTRACEBACK >= system, from Go 1.25 with ", synctest bubble N" in it, and from Go 1.26 (under
// GODEBUG=tracebacklabels=1; by default for go 1.27 modules) with the goroutine's pprof labels:
// Go 1.26 last inside the bracket, quoted (`[chan receive labels:{"k": "v"}]:`), Go 1.27 after
// it, quoted only where needed (`[chan receive] {k: v}:`). A label may hold ']', so a bracket
// that ends the line is the closing one.
std::optional<Header> parse_header(std::string_view line) {
  if (!line.starts_with("goroutine ")) return std::nullopt;
  std::string_view rest = line.substr(10);
  size_t sp = rest.find(' ');
  if (sp == std::string_view::npos) return std::nullopt;
  auto id = parse_uint(rest.substr(0, sp));
  if (!id) return std::nullopt;
  rest = rest.substr(sp + 1);
  // key=value words (gp=, m=, mp=) until the bracket.
  while (!rest.empty() && rest[0] != '[') {
    size_t end = rest.find(' ');
    std::string_view word = rest.substr(0, end);
    if (word.find('=') == std::string_view::npos) return std::nullopt;
    if (end == std::string_view::npos) return std::nullopt;
    rest = rest.substr(end + 1);
  }
  Header h;
  h.id = *id;
  std::string_view inside;
  if (rest.size() >= 3 && rest.ends_with("]:")) {
    inside = rest.substr(1, rest.size() - 3);
  } else if (size_t close = rest.find("] {");
             close != std::string_view::npos && rest.size() >= close + 5 && rest.ends_with("}:")) {
    inside = rest.substr(1, close - 1);
    h.labels = rest.substr(close + 3, rest.size() - close - 5);
    h.has_labels = true;
  } else {
    return std::nullopt;
  }
  if (size_t at = inside.find(" labels:{"); at != std::string_view::npos) {
    if (inside.back() != '}') return std::nullopt;
    h.labels = inside.substr(at + 9, inside.size() - at - 10);
    h.has_labels = true;
    inside = inside.substr(0, at);
  }
  // "state[ (leaked)][, N minutes][, locked to thread][, anything newer]"
  size_t comma = inside.find(", ");
  h.state = inside.substr(0, comma);
  if (h.state.ends_with(" (leaked)")) {
    h.state.remove_suffix(9);
    h.leaked = true;
  }
  if (h.state.empty()) return std::nullopt;
  while (comma != std::string_view::npos) {
    inside = inside.substr(comma + 2);
    comma = inside.find(", ");
    std::string_view part = inside.substr(0, comma);
    if (part == "locked to thread") {
      h.locked = true;
    } else if (part.size() > 8 && part.substr(part.size() - 8) == " minutes") {
      auto m = parse_uint(part.substr(0, part.size() - 8));
      if (!m || *m > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
      h.wait_minutes = static_cast<int64_t>(*m);
    }
    // Other parts ("synctest group N", ...) say nothing leakseek uses.
  }
  return h;
}

// "\t/path/file.go:123 +0x1d fp=0x... sp=0x... pc=0x...": the last ':' ends the path (nothing
// after the line number has one).
bool parse_file_line(std::string_view text, std::string_view& file, int64_t& line,
                     std::optional<uint64_t>& pc_offset) {
  while (!text.empty() && (text[0] == '\t' || text[0] == ' ')) text.remove_prefix(1);
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  file = text.substr(0, colon);
  std::string_view rest = text.substr(colon + 1);
  size_t sp = rest.find(' ');
  auto n = parse_uint(rest.substr(0, sp));
  if (!n || *n > static_cast<uint64_t>(INT64_MAX)) return false;
  line = static_cast<int64_t>(*n);
  pc_offset.reset();
  if (sp != std::string_view::npos) {
    rest = rest.substr(sp + 1);
    if (rest.starts_with("+0x")) {
      size_t end = rest.find(' ');
      pc_offset = parse_uint(rest.substr(3, end == std::string_view::npos ? end : end - 3), 16);
      if (!pc_offset) return false;
    }
  }
  return true;
}

class TracebackParser {
 public:
  TracebackParser(std::string_view text, const std::string& file)
      : lines_(text), file_(file), text_size_(text.size()) {}

  GoroutineDump run() {
    dump_.form = DumpForm::debug2;
    std::string_view line;
    while (lines_.next(line)) {
      if (in_block_)
        block_line(line);
      else
        outside(line);
    }
    at_end_ = true;
    finish();
    if (dump_.goroutines.empty())
      throw InputError(file_, 0, "not a goroutine dump: no \"goroutine N [state]:\" line");
    for (const auto& g : dump_.goroutines) dump_.total += g.count;
    return std::move(dump_);
  }

 private:
  [[noreturn]] void fail(const std::string& what) {
    throw InputError(file_, at_end_ ? text_size_ : lines_.offset(), what);
  }

  // A line between blocks: a preamble before the first goroutine, noise after it.
  void outside(std::string_view line) {
    if (auto h = parse_header(line)) {
      start(*h);
      return;
    }
    if (line.starts_with("goroutine ") && line.size() > 10 && line[10] >= '0' && line[10] <= '9' &&
        line.back() == ':')
      fail("malformed goroutine header");
    if (!line.empty() && dump_.goroutines.empty() && !seen_text_before_) {
      seen_text_before_ = true;
      dump_.reason = dump_.strings->copy(line);
      dump_.form = DumpForm::traceback;
    }
  }

  void start(const Header& h) {
    Goroutine g;
    g.id = h.id;
    g.state = dump_.strings->intern(h.state);
    g.wait_minutes = h.wait_minutes;
    g.leaked = h.leaked;
    g.locked_to_thread = h.locked;
    if (h.has_labels && !parse_labels(h.labels, *dump_.strings, g.labels))
      fail("malformed labels in goroutine header");
    dump_.goroutines.push_back(std::move(g));
    in_block_ = true;
    expect_ = Expect::frame;
  }

  void finish() {
    if (!in_block_) return;
    if (expect_ == Expect::frame_file || expect_ == Expect::creator_file)
      fail("goroutine block ends where a \"\\tfile:line\" line was expected");
    in_block_ = false;
  }

  void block_line(std::string_view line) {
    Goroutine& g = dump_.goroutines.back();
    if (line.empty()) {
      finish();
      return;
    }
    if (line[0] == '\t') {
      std::string_view file;
      int64_t n = 0;
      std::optional<uint64_t> off;
      if (expect_ == Expect::frame_file || expect_ == Expect::creator_file) {
        if (!parse_file_line(line, file, n, off)) fail("malformed \"\\tfile:line +0xoff\" line");
        if (expect_ == Expect::frame_file) {
          Frame& f = g.frames.back();
          f.file = dump_.strings->intern(file);
          f.line = n;
          f.pc_offset = off;
          expect_ = Expect::frame;
        } else {
          g.created_by->file = dump_.strings->intern(file);
          g.created_by->line = n;
          expect_ = Expect::end;
        }
        return;
      }
      // The runtime's note for a goroutine it cannot walk.
      if (line.find("goroutine running on other thread") != std::string_view::npos) return;
      fail("\"\\tfile:line\" line without a function line before it");
    }
    if (expect_ == Expect::frame_file || expect_ == Expect::creator_file)
      fail("expected \"\\tfile:line\" after the function line");
    if (expect_ == Expect::end) {
      // "created by" ends a block even without a blank line ("exit status 2", a header).
      in_block_ = false;
      outside(line);
      return;
    }
    if (line.starts_with("...")) {
      // "...N frames elided..." (Go 1.21+) or "...additional frames elided..." (older).
      if (line.size() < 6 || line.substr(line.size() - 3) != "...")
        fail("malformed \"...frames elided...\" line");
      std::string_view inner = line.substr(3, line.size() - 6);
      size_t sp = inner.find(' ');
      if (auto n = parse_uint(inner.substr(0, sp))) g.elided_frames += *n;
      g.elided = true;
      return;
    }
    if (line.starts_with("created by ")) {
      std::string_view rest = line.substr(11);
      CreatedBy c;
      size_t in = rest.find(" in goroutine ");
      if (in != std::string_view::npos) {
        auto id = parse_uint(rest.substr(in + 14));
        if (!id) fail("malformed \"created by F in goroutine N\" line");
        c.creator_goid = *id;
        rest = rest.substr(0, in);
      }
      if (rest.empty() || rest.find(' ') != std::string_view::npos)
        fail("malformed \"created by\" line");
      c.function = dump_.strings->intern(rest);
      g.created_by = c;
      expect_ = Expect::creator_file;
      return;
    }
    if (auto h = parse_header(line)) {
      // Some dumps run blocks together; a header starts a new one.
      finish();
      start(*h);
      return;
    }
    // "pkg.Func(args)": the arguments hold no parentheses, the function name may.
    if (line.back() != ')') fail("expected a frame \"function(args)\"");
    size_t open = line.rfind('(');
    if (open == std::string_view::npos || open == 0) fail("expected a frame \"function(args)\"");
    Frame f;
    f.function = dump_.strings->intern(line.substr(0, open));
    f.args = dump_.strings->copy(line.substr(open + 1, line.size() - open - 2));
    g.frames.push_back(f);
    expect_ = Expect::frame_file;
  }

  enum class Expect { frame, frame_file, creator_file, end };

  Lines lines_;
  const std::string& file_;
  uint64_t text_size_;
  GoroutineDump dump_;
  bool in_block_ = false;
  bool seen_text_before_ = false;
  bool at_end_ = false;  // errors found at the end of the text point there
  Expect expect_ = Expect::frame;
};

class Debug1Parser {
 public:
  Debug1Parser(std::string_view text, const std::string& file) : lines_(text), file_(file) {}

  GoroutineDump run() {
    dump_.form = DumpForm::debug1;
    std::string_view line;
    if (!lines_.next(line)) fail("expected \"goroutine profile: total N\"");
    // The goroutine leak profile's debug=1 form differs only in its name.
    dump_.leak_profile = line.starts_with("goroutineleak profile: total ");
    if (!dump_.leak_profile && !line.starts_with("goroutine profile: total "))
      fail("expected \"goroutine profile: total N\"");
    auto total = parse_uint(line.substr(line.find(": total ") + 8));
    if (!total) fail("malformed total in \"goroutine profile: total N\"");
    dump_.total = *total;
    while (lines_.next(line)) {
      if (line.empty()) {
        end_record();
        continue;
      }
      if (!in_record_) {
        start_record(line);
        continue;
      }
      Goroutine& g = dump_.goroutines.back();
      if (line.starts_with("# labels: ")) {
        std::string_view body = line.substr(10);
        if (body.size() < 2 || body.front() != '{' || body.back() != '}' ||
            !parse_labels(body.substr(1, body.size() - 2), *dump_.strings, g.labels))
          fail("malformed \"# labels: {...}\" line");
        continue;
      }
      if (!line.starts_with("#\t")) fail("expected \"#\\tPC\\tfunction+off\\tfile:line\"");
      frame_line(g, line.substr(2));
    }
    end_record();
    return std::move(dump_);
  }

 private:
  [[noreturn]] void fail(const std::string& what) {
    throw InputError(file_, lines_.offset(), what);
  }

  // "COUNT @ 0xPC 0xPC ..."
  void start_record(std::string_view line) {
    size_t at = line.find(" @");
    if (at == std::string_view::npos) fail("expected \"COUNT @ PC...\"");
    auto count = parse_uint(line.substr(0, at));
    if (!count) fail("malformed count in \"COUNT @ PC...\"");
    Goroutine g;
    g.count = *count;
    g.leaked = dump_.leak_profile;
    std::string_view pcs = line.substr(at + 2);
    first_pc_.reset();
    while (!pcs.empty()) {
      if (pcs[0] != ' ') fail("malformed PC list");
      pcs.remove_prefix(1);
      size_t sp = pcs.find(' ');
      auto pc = parse_hex(pcs.substr(0, sp));
      if (!pc) fail("malformed PC in \"COUNT @ PC...\"");
      if (!first_pc_) first_pc_ = *pc;
      pcs = sp == std::string_view::npos ? std::string_view() : pcs.substr(sp);
    }
    dump_.goroutines.push_back(std::move(g));
    in_record_ = true;
    first_frame_pc_.reset();
  }

  // "PC\tfunction+0xoff\tfile:line"; tabwriter pads columns with more tabs.
  void frame_line(Goroutine& g, std::string_view rest) {
    auto field = [&rest]() {
      while (!rest.empty() && rest[0] == '\t') rest.remove_prefix(1);
      size_t tab = rest.find('\t');
      std::string_view f = rest.substr(0, tab);
      rest = tab == std::string_view::npos ? std::string_view() : rest.substr(tab);
      return f;
    };
    auto pc = parse_hex(field());
    if (!pc) fail("malformed PC in frame line");
    if (!first_frame_pc_) first_frame_pc_ = *pc;
    std::string_view fn = field();
    Frame f;
    if (!fn.empty()) {
      size_t plus = fn.rfind("+0x");
      if (plus == std::string_view::npos || plus == 0) fail("expected \"function+0xoff\"");
      f.pc_offset = parse_uint(fn.substr(plus + 3), 16);
      if (!f.pc_offset) fail("malformed offset in \"function+0xoff\"");
      f.function = dump_.strings->intern(fn.substr(0, plus));
      while (!rest.empty() && rest[0] == '\t') rest.remove_prefix(1);
      std::optional<uint64_t> unused;
      std::string_view file;
      if (!parse_file_line(rest, file, f.line, unused)) fail("malformed \"file:line\"");
      f.file = dump_.strings->intern(file);
    } else {
      // "#\tPC" alone: the runtime could not name the PC.
      f.function = dump_.strings->intern("?");
    }
    g.frames.push_back(f);
  }

  void end_record() {
    if (!in_record_) return;
    in_record_ = false;
    Goroutine& g = dump_.goroutines.back();
    // Frame lines print PC-1 (the call instruction); the list starts with the return PC. A
    // first frame that is not the first PC means leading runtime frames were hidden.
    g.runtime_frames_hidden = first_pc_ && first_frame_pc_ && *first_frame_pc_ + 1 != *first_pc_;
    g.state = infer_goroutine_state(g.frames, g.runtime_frames_hidden);
    g.state_inferred = true;
  }

  Lines lines_;
  const std::string& file_;
  GoroutineDump dump_;
  bool in_record_ = false;
  std::optional<uint64_t> first_pc_;
  std::optional<uint64_t> first_frame_pc_;
};

}  // namespace

bool is_goroutine_header(std::string_view line) {
  return parse_header(line).has_value();
}

GoroutineDump read_goroutine_debug1(std::string_view text, const std::string& file) {
  return Debug1Parser(text, file).run();
}

GoroutineDump read_goroutine_tracebacks(std::string_view text, const std::string& file) {
  return TracebackParser(text, file).run();
}

}  // namespace leakseek::format
