#pragma once
// Readers for the text forms of goroutine dumps: the debug=1 goroutine profile and the
// traceback form (debug=2 profiles, panics, fatal errors, SIGQUIT). They scan the text once, line
// by line, without copying it; names go into the dump's arena. Bad input throws InputError with
// the byte offset of the line at fault. Use read_goroutine_dump (goroutine_dump_reader.h) unless
// the form is already known.
#include <string>
#include <string_view>

#include "goroutines/goroutine_dump.h"

namespace leakseek::format {

// "goroutine profile: total N", then "COUNT @ PC..." records.
goroutines::GoroutineDump read_goroutine_debug1(std::string_view text,
                                                const std::string& file_name_for_errors);

// "goroutine N [state]:" blocks, optionally after a preamble (panic message, "SIGQUIT: quit",
// "PC=..."), with register dumps and other noise between blocks ignored.
goroutines::GoroutineDump read_goroutine_tracebacks(std::string_view text,
                                                    const std::string& file_name_for_errors);

// True when `line` is a goroutine block header ("goroutine 7 [chan receive]:" and its variants).
bool is_goroutine_header(std::string_view line);

}  // namespace leakseek::format
