# cmake -DSOURCE_DIR=ui -DFILES=a.html,b.js -DOUTPUT=ui_assets.cpp -P embed_assets.cmake
# Writes a C++ source defining FindUiAsset() over the files, each as an escaped string literal.
string(REPLACE "," ";" files "${FILES}")
set(table "")
set(index 0)
set(literals "")
foreach(name IN LISTS files)
  file(READ "${SOURCE_DIR}/${name}" hex HEX)
  string(LENGTH "${hex}" hex_length)
  math(EXPR size "${hex_length} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "\\\\x\\1" escaped "${hex}")
  if(name MATCHES "\\.html$")
    set(type "text/html; charset=utf-8")
  elseif(name MATCHES "\\.js$")
    set(type "text/javascript; charset=utf-8")
  elseif(name MATCHES "\\.css$")
    set(type "text/css; charset=utf-8")
  else()
    message(FATAL_ERROR "no content type for ${name}")
  endif()
  string(APPEND literals "constexpr char kAsset${index}[] = \"${escaped}\";\n")
  string(APPEND table "    {\"${name}\", \"${type}\", std::string_view(kAsset${index}, ${size})},\n")
  math(EXPR index "${index} + 1")
endforeach()
file(WRITE "${OUTPUT}.tmp" "// Generated from ui/ by ui/embed_assets.cmake at build time: do not edit.
#include \"ui/ui_assets.h\"

namespace refundsync {
namespace {

${literals}
constexpr UiAsset kAssets[] = {
${table}};

}  // namespace

const UiAsset* FindUiAsset(std::string_view name) {
  for (const auto& asset : kAssets) {
    if (asset.name == name) return &asset;
  }
  return nullptr;
}

}  // namespace refundsync
")
# Only touch the output when it changed, so an unchanged page does not relink the binary.
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
