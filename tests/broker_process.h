// Test harness: the real mpp-broker as a child process, with a real SQLite
// file in a fresh temporary folder, bound to free ports chosen by the kernel
// ("tcp://127.0.0.1:*"). Start() waits for the broker's ready line, so tests
// never sleep for start-up.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "common/client.h"
#include "mpp/v1/mpp.pb.h"
#include "testing/temp_dir.h"
#include "testing/wait_for.h"

namespace mpp::testing {

std::string SampleCatalog();  // config/mpp-cilegon.toml

class BrokerProcess {
 public:
  struct Options {
    std::string config = SampleCatalog();
    std::string clock_start = "2026-11-30T09:00:00+07:00";  // a Monday morning
    std::string endpoint = "tcp://127.0.0.1:*";             // "*": a free port chosen by the kernel
    std::vector<std::string> extra_args;
    std::string log_level = "warn";
    bool init = true;              // --init when the database file does not exist yet
    std::vector<std::string> env;  // "NAME=value", added to the broker's environment
  };

  BrokerProcess(const TempDir& dir, Options options);
  explicit BrokerProcess(const TempDir& dir) : BrokerProcess(dir, Options()) {}
  ~BrokerProcess();

  // Starts the broker and waits (up to 20 s) for its ready line.
  ::testing::AssertionResult Start();
  // SIGKILL, and reap.
  void Kill();
  // SIGTERM; returns the exit code, or -1 if it did not exit within `timeout_ms`.
  int Stop(int timeout_ms = 5000);
  // Runs the broker to completion (for start-up refusals); returns the exit code.
  int RunToExit(int timeout_ms = 10000);

  // Starts again on the ports of the last run, as a restarted service would
  // (after Kill or Stop): clients must find it without being told.
  ::testing::AssertionResult StartOnSamePorts();
  // Sends `sig` (SIGSTOP / SIGCONT: a broker that hangs, then recovers).
  void Signal(int sig);
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  const std::string& command_endpoint() const { return command_; }
  const std::string& event_endpoint() const { return events_; }
  std::string db_path() const { return dir_.File("mpp.db"); }
  std::string StderrText() const;
  Options& options() { return options_; }

 private:
  pid_t Spawn();

  const TempDir& dir_;
  Options options_;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string command_, events_;
};

inline constexpr const char* kTestPin = "1234";

// A convenient client for tests.
class TestClient {
 public:
  explicit TestClient(const std::string& endpoint, std::string client_id = "test",
                      const ClientKeys* keys = nullptr);
  StatusOr<v1::Envelope> Call(const v1::Request& r, int timeout_ms = 5000,
                              const std::string& request_id = "");
  // These return the reply, failing the test if the broker did not answer.
  v1::Reply Issue(const std::string& service, v1::PriorityReason p = v1::PRIORITY_NONE,
                  const std::string& request_id = "");
  // Adds `op` with kTestPin if needed, then signs in.
  v1::Reply SignIn(int counter, const std::string& op);
  v1::Reply CallNext(int counter);
  v1::Reply StartServing(int counter);
  v1::Reply Finish(int counter);
  v1::Reply Snapshot(const std::string& zone = "");
  v1::Status Status();
  // Any request; fails the test if the broker did not answer.
  v1::Reply Must(const v1::Request& r, const std::string& request_id = "");

 private:
  zmq::context_t ctx_{1};
  BrokerClient client_;
};

}  // namespace mpp::testing

namespace mpp::testing {

// Any child program, started with extra environment variables.
class ChildProcess {
 public:
  ChildProcess() = default;
  ~ChildProcess() { Kill(); }
  bool Start(const std::vector<std::string>& argv, const std::vector<std::string>& env,
             const std::string& stderr_path);
  int Stop(int timeout_ms = 5000);  // SIGTERM; exit code, or -1 on timeout (then killed)
  int Wait(int timeout_ms);         // exit code, or -1 on timeout (then killed)
  void Kill();
  bool running() const { return pid_ > 0; }

 private:
  pid_t pid_ = -1;
};

// A private X server for GUI tests (Xvfb with -displayfd: no guessing of
// free display numbers, no sleeping until it is up).
class Xvfb {
 public:
  ~Xvfb();
  ::testing::AssertionResult Start(int width = 1920, int height = 1080);
  std::string display() const { return ":" + std::to_string(number_); }

 private:
  pid_t pid_ = -1;
  int number_ = -1;
};

// The whole file, or "" when it cannot be read (for logs in failure messages).
std::string ReadFile(const std::string& path);

// A datagram socket standing in for systemd's notify socket: start a program
// with NOTIFY_SOCKET=path() and read what it told the service manager.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path);
  ~NotifySocket();
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;
  bool ok() const { return fd_ >= 0; }
  const std::string& path() const { return path_; }
  // Everything received so far, a message a line.
  const std::string& Heard();

 private:
  int fd_ = -1;
  std::string path_;
  std::string heard_;
};

// Runs `shell_command` with /bin/sh and returns its exit code (-1 if it did
// not exit normally) and what it wrote to stdout.
struct CommandResult {
  int exit_code = -1;
  std::string out;
};
CommandResult RunCommand(const std::string& shell_command);
// WaitFor the file to exist (a GUI script's screenshot is the sign it got there).
bool WaitForFile(const std::string& path, int timeout_ms = 30000);

// Width and height of a PNG file; false when it is not a PNG.
bool PngSize(const std::string& path, int* width, int* height);

}  // namespace mpp::testing
