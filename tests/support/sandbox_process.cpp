#include "tests/support/sandbox_process.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace refundsync::testing {

std::string SandboxScript() { return std::string(REFUNDSYNC_SOURCE_DIR) + "/sandbox/refundsync-sandbox"; }

SandboxProcess::SandboxProcess(const std::string& m2m_public_pem, std::vector<std::string> extra_args) {
  const std::string key = dir_.Write("m2m.pub", m2m_public_pem);
  const std::string port_file = (dir_.path() / "port").string();
  const std::string log = (dir_.path() / "sandbox.log").string();
  const std::string script = SandboxScript();
  pid_ = fork();
  if (pid_ == 0) {
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    std::vector<std::string> args = {REFUNDSYNC_PYTHON, script, "--port-file", port_file, "--netsuite-public-key", key};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    execvp(REFUNDSYNC_PYTHON, argv.data());
    _exit(127);
  }
  // Ready when it wrote the port it listens on (written atomically after bind).
  for (int i = 0; i < 1000 && port_ == 0; ++i) {
    std::ifstream in(port_file);
    if (!(in >> port_)) {
      port_ = 0;
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) throw std::runtime_error("sandbox exited at start-up");
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  if (port_ == 0) throw std::runtime_error("sandbox did not start");
}

SandboxProcess::~SandboxProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
}

std::string SandboxProcess::Control(const std::string& method, const std::string& path, const std::string& body) {
  auto result = client_.Request(method, BaseUrl() + path, body, {{"Content-Type", "application/json"}});
  if (result.status != 200) {
    throw std::runtime_error("sandbox control " + path + " answered " + std::to_string(result.status) + ": " +
                             result.body);
  }
  return result.body;
}

}  // namespace refundsync::testing
