// The operator page's static files, embedded at build time (ui/CMakeLists.txt, embed_assets.cmake).
#pragma once

#include <string_view>

namespace refundsync {

struct UiAsset {
  std::string_view name;          // file name under ui/, e.g. "app.js"
  std::string_view content_type;  // with charset
  std::string_view body;
};

// The asset with that file name, or nullptr.
const UiAsset* FindUiAsset(std::string_view name);

}  // namespace refundsync
