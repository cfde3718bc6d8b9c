#pragma once
// Fixture programs rebuilt with other linker flags (-ldflags=-w, -s) in a test's own directory,
// and run there to write their own dump and facts: a rebuilt program lays out its type
// descriptors, and so its heap's type words, differently from the shared fixture.
#include <string>

namespace leakseek::test {

// Builds testdata/go/NAME as fixture set SET builds it ("go1.23", or "go1.23-extlink": cgo on,
// externally linked) with `ldflags` added, into DIR/NAME, and runs it as
// `DIR/NAME DIR/NAME.dump DIR/NAME.json`. Returns the program's path, or empty on failure.
// `buildmode` is passed as -buildmode= when not empty ("pie").
std::string build_fixture_variant(const std::string& set, const std::string& name,
                                  const std::string& ldflags, const std::string& dir,
                                  const std::string& buildmode = "");

// Copies PROG to OUT with every symbol removed (objcopy --strip-all): the allocated sections stay
// byte for byte, so what a reader finds without symbols can be compared with what it finds with
// them. When `damage_pclntab`, the pclntab header's magic is zeroed too, so nothing in the copy
// says where Go's moduledata is. Returns false on failure.
bool strip_program(const std::string& prog, const std::string& out, bool damage_pclntab = false);

}  // namespace leakseek::test
