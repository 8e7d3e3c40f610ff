// The real refundsync binary as a child process on a free port: started, waited for until /readyz answers
// 200 (polling readiness, not sleeping a fixed time), stopped with a signal and its exit code returned.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace refundsync::testing {

class ServerProcess {
 public:
  ServerProcess(std::string config_path, int port, std::vector<std::string> extra_args = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Throws with the server's log tail when it exits or is not ready within `timeout_ms`.
  void StartAndWaitReady(int timeout_ms = 15000);
  // Sends `signal_number` and waits up to `timeout_ms`; returns the exit code, or -1 when it had to be killed.
  int Stop(int signal_number, int timeout_ms = 15000);
  std::string BaseUrl() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string Log() const;

 private:
  std::string config_path_;
  int port_;
  std::vector<std::string> extra_args_;
  std::string log_path_;
  pid_t pid_ = -1;
};

// Path of the built refundsync binary (set by CMake).
std::string RefundsyncBinary();

}  // namespace refundsync::testing
