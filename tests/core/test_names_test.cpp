// ctest runs each Catch2 test by name and cuts a name at ";" (catch_discover_tests): such a test then matches
// nothing and fails in ctest while it passes when the binary is run directly. Caught here, where it is written.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

TEST_CASE("No test name holds a semicolon (ctest would cut it)", "[meta]") {
  const std::filesystem::path tests = std::filesystem::path(REFUNDSYNC_SOURCE_DIR) / "tests";
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(tests)) {
    if (entry.path().extension() != ".cpp") continue;
    ++files;
    std::ifstream in(entry.path());
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (auto at = text.find("TEST_CASE(\""); at != std::string::npos; at = text.find("TEST_CASE(\"", at + 1)) {
      const auto name_end = text.find('"', at + 11);  // names hold no escaped quote
      const std::string name = text.substr(at + 11, name_end == std::string::npos ? 0 : name_end - at - 11);
      INFO(entry.path().filename().string() << ": " << name);
      CHECK(name.find(';') == std::string::npos);
    }
  }
  CHECK(files > 10);
}
