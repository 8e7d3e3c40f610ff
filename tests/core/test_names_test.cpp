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
    for (auto at = text.find("TEST_CASE("); at != std::string::npos; at = text.find("TEST_CASE(", at + 1)) {
      // The name: the string literals after "TEST_CASE(", however clang-format splits them over lines (names hold
      // no escaped quote).
      if (at > 0 && text[at - 1] != '\n') continue;  // a test case starts a line; mentions elsewhere are not one
      std::string name;
      std::size_t pos = at + 10;
      while (true) {
        pos = text.find_first_not_of(" \n", pos);
        if (pos == std::string::npos || text[pos] != '"') break;
        const auto end = text.find('"', pos + 1);
        if (end == std::string::npos) break;
        name += text.substr(pos + 1, end - pos - 1);
        pos = end + 1;
      }
      INFO(entry.path().filename().string() << ": " << name);
      CHECK(!name.empty());
      CHECK(name.find(';') == std::string::npos);
    }
  }
  CHECK(files > 10);
}
