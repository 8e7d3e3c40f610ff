#include "tests/support/server_process.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "tests/support/http_client.h"

namespace refundsync::testing {

std::string RefundsyncBinary() { return REFUNDSYNC_BINARY; }

ServerProcess::ServerProcess(std::string config_path, int port, std::vector<std::string> extra_args)
    : config_path_(std::move(config_path)),
      port_(port),
      extra_args_(std::move(extra_args)),
      log_path_(config_path_ + ".serve.log") {}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) Stop(SIGKILL, 5000);
}

std::string ServerProcess::Log() const {
  std::ifstream in(log_path_);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void ServerProcess::StartAndWaitReady(int timeout_ms) {
  const std::string binary = RefundsyncBinary();
  std::vector<std::string> args = {binary, "serve", "--config", config_path_};
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  pid_ = fork();
  if (pid_ == 0) {
    const int log = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(log, STDOUT_FILENO);
    dup2(log, STDERR_FILENO);
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  HttpClient client;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("refundsync serve exited at start-up:\n" + Log());
    }
    // Ready, and ready is us: under parallel tests another server may have taken a "free" port first, and its
    // answer must not let a test signal a process still starting up. Ours logs `serving` once it listens.
    if (client.Get(BaseUrl() + "/readyz").status == 200 && Log().find("event=serving") != std::string::npos) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("refundsync serve was not ready in time:\n" + Log());
}

int ServerProcess::Stop(int signal_number, int timeout_ms) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal_number);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return -1;
}

}  // namespace refundsync::testing
