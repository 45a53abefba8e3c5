#pragma once
// Starts a real S3-compatible server (npm s3rver, installed into tests/support/node by
// `npm ci`/`npm install` the first time a test needs it) on 127.0.0.1, port 0.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace tripline::cloud_testing {

inline std::string node_support_dir() { return std::string(TRIPLINE_SOURCE_DIR) + "/tests/support/node"; }

// Installs s3rver if it is not there yet. Returns "" or why it could not.
inline std::string ensure_s3rver_installed() {
  const std::string dir = node_support_dir();
  if (std::filesystem::exists(dir + "/node_modules/s3rver/bin/s3rver.js")) return "";
  const std::string cmd = "npm install --prefix '" + dir +
                          "' --no-audit --no-fund --loglevel=error >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) return "`" + cmd + "` failed (is npm installed?)";
  if (!std::filesystem::exists(dir + "/node_modules/s3rver/bin/s3rver.js")) {
    return "npm install did not provide s3rver";
  }
  return "";
}

class S3rverProcess {
 public:
  // `data_dir` holds the buckets; `buckets` are created at start. With `key`/`cert` it serves TLS.
  S3rverProcess(const std::string& data_dir, const std::vector<std::string>& buckets,
                const std::string& key = "", const std::string& cert = "") {
    log_ = data_dir + ".log";
    // s3rver signs continuation tokens with a cipher OpenSSL 3 moved to its legacy provider.
    std::vector<std::string> args = {"node", "--openssl-legacy-provider", node_support_dir() + "/node_modules/s3rver/bin/s3rver.js",
                                     "-d", data_dir, "-a", "127.0.0.1", "-p", "0", "-s"};
    for (const auto& b : buckets) {
      args.push_back("--configure-bucket");
      args.push_back(b);
    }
    if (!key.empty()) {
      args.insert(args.end(), {"--key", key, "--cert", cert});
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    if (posix_spawnp(&pid_, "node", &actions, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    // s3rver prints "S3rver listening on 127.0.0.1:<port>" once it is ready.
    const std::regex ready("listening on [^:]+:(\\d+)");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);  // node starts slowly on a loaded CI box
    while (pid_ > 0 && std::chrono::steady_clock::now() < deadline) {
      std::ifstream in(log_);
      std::stringstream ss;
      ss << in.rdbuf();
      std::smatch m;
      const std::string text = ss.str();
      if (std::regex_search(text, m, ready)) {
        port_ = std::stoi(m[1]);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ~S3rverProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
  }
  S3rverProcess(const S3rverProcess&) = delete;
  S3rverProcess& operator=(const S3rverProcess&) = delete;

  int port() const { return port_; }
  std::string log() const {
    std::ifstream in(log_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string log_;
};

}  // namespace tripline::cloud_testing
