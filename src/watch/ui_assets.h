#pragma once
// The web UI's files (src/watch/ui), compiled into the binary by cmake/embed_files.cmake.
#include <span>
#include <string_view>

namespace leakseek::watch {

struct UiAsset {
  std::string_view path;  // "/index.html", "/app.js"
  std::string_view content_type;
  std::string_view body;
};

std::span<const UiAsset> ui_assets();

}  // namespace leakseek::watch
