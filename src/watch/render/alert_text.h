#pragma once
// An alert as a human reads it in a terminal: the headline, then the evidence with bytes in
// bytes units, the stack and the snapshots that back it. What `leakseek demo` prints.
#include <string>

#include "watch/watch_model.h"

namespace leakseek::watch::render {

// One evidence number as text: sizes for heap figures ("1.4 MiB", "711.7 MiB/h"), R² with three
// decimals, counts as whole numbers.
std::string evidence_number(watch::AlertKind kind, const std::string& name, double value);

// The one line a human reads first, from the finding's kind, site and numbers (the detector
// finds; this words it).
std::string finding_summary(const watch::Finding& finding);

// Several lines, each ending in a newline; at most max_frames stack frames.
std::string alert_text(const watch::Alert& alert, size_t max_frames = 12);

}  // namespace leakseek::watch::render
