#pragma once
// Fixture programs rebuilt with other linker flags (-ldflags=-w, -s) in a test's own directory,
// and run there to write their own dump and facts: a rebuilt program lays out its type
// descriptors, and so its heap's type words, differently from the shared fixture.
#include <string>

namespace leakseek::test {

// Builds testdata/go/NAME with Go GO ("go1.23") and `ldflags` into DIR/NAME and runs it as
// `DIR/NAME DIR/NAME.dump DIR/NAME.json`. Returns the program's path, or empty on failure.
std::string build_fixture_variant(const std::string& go, const std::string& name,
                                  const std::string& ldflags, const std::string& dir);

}  // namespace leakseek::test
