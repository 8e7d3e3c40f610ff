// Writes configuration files in the contract's format, with real secret files and a fresh EC key, for tests.
#pragma once

#include <string>

#include "tests/support/temp_dir.h"

namespace refundsync::testing {

struct TestConfigOptions {
  int port = 8080;
  std::string redis_url = "redis://127.0.0.1:6379/0";
  std::string ebay_api_base_url = "https://api.ebay.com";
  std::string extra_top_level;  // YAML appended at the top level, e.g. "shutdown:\n  drain_delay: 100ms\n"
};

// A PEM EC P-256 private key, generated now.
std::string GenerateEcPrivateKeyPem();

// The contract's minimal example (an eBay and a Shopify account) with secrets written into `dir`.
// Returns the YAML text; `dir` holds the secret files it names.
std::string MinimalConfigYaml(const TempDir& dir, const TestConfigOptions& options = {});

}  // namespace refundsync::testing
