// The sandbox (sandbox/refundsync-sandbox) as a child process on a free port, with its control API.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "tests/support/http_client.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_keys.h"

namespace refundsync::testing {

class SandboxProcess {
 public:
  // `m2m_public_pem`: the public key of the NetSuite client assertion, which the sandbox checks.
  explicit SandboxProcess(const std::string& m2m_public_pem, std::vector<std::string> extra_args = {});
  ~SandboxProcess();

  std::string BaseUrl() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // POST (or GET when body is empty and method says so) to the control API; returns the body, throws on != 200.
  std::string Control(const std::string& method, const std::string& path, const std::string& body = "");

 private:
  TempDir dir_;
  int port_ = 0;
  pid_t pid_ = -1;
  HttpClient client_;
};

std::string SandboxScript();

}  // namespace refundsync::testing
