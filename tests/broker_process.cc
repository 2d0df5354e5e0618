#include "tests/broker_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/wire.h"
#include "testing/spawn_broker.h"

namespace mpp::testing {

namespace {
// Waits for `pid` to exit; returns its exit code (128 + signal when killed),
// or -1 after `timeout_ms`, having killed it.
int WaitChild(pid_t pid, int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) != pid) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // polling the child's exit
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
}  // namespace

std::string SampleCatalog() { return std::string(MPP_SOURCE_DIR) + "/config/mpp-cilegon.toml"; }

BrokerProcess::BrokerProcess(const TempDir& dir, Options options)
    : dir_(dir), options_(std::move(options)) {}

BrokerProcess::~BrokerProcess() { Kill(); }

pid_t BrokerProcess::Spawn() {
  std::vector<std::string> args = {
      MPP_BROKER_BIN,    "--config",    options_.config,   "--db", db_path(), "--endpoint",
      options_.endpoint, "--log-level", options_.log_level};
  if (!options_.clock_start.empty()) {
    args.push_back("--clock-start");
    args.push_back(options_.clock_start);
  }
  // A new hall on the first start (the broker refuses a missing database
  // unless asked); tests of that refusal pass Options::init = false.
  if (options_.init && !std::filesystem::exists(db_path())) args.push_back("--init");
  for (const auto& a : options_.extra_args) args.push_back(a);
  return SpawnWithStdoutPipe(args, options_.env, dir_.File("broker.stderr"), &stdout_fd_);
}

::testing::AssertionResult BrokerProcess::Start() {
  if (running()) return ::testing::AssertionFailure() << "already running";
  pid_ = Spawn();
  if (pid_ <= 0) return ::testing::AssertionFailure() << "fork failed";
  const Status ready = WaitForReadyLine(stdout_fd_, std::chrono::seconds(20), &command_, &events_);
  if (ready.code() == StatusCode::kUnavailable) {
    Kill();
    return ::testing::AssertionFailure() << ready.message() << "; stderr:\n" << StderrText();
  }
  if (ready.code() == StatusCode::kInternal) {
    const int rc = Stop(2000);
    return ::testing::AssertionFailure()
           << "broker exited (" << rc << ") before it was ready; stderr:\n"
           << StderrText();
  }
  if (!ready.ok()) return ::testing::AssertionFailure() << ready.message();
  return ::testing::AssertionSuccess();
}

void BrokerProcess::Kill() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  if (stdout_fd_ >= 0) {
    close(stdout_fd_);
    stdout_fd_ = -1;
  }
}

int BrokerProcess::Stop(int timeout_ms) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  const int rc = WaitChild(pid_, timeout_ms);
  pid_ = -1;
  Kill();  // closes the pipe
  return rc;
}

int BrokerProcess::RunToExit(int timeout_ms) {
  pid_ = Spawn();
  const int rc = WaitChild(pid_, timeout_ms);
  pid_ = -1;
  Kill();
  return rc;
}

std::string BrokerProcess::StderrText() const {
  std::ifstream in(dir_.File("broker.stderr"));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TestClient::TestClient(const std::string& endpoint, std::string client_id, const ClientKeys* keys)
    : client_(&ctx_, endpoint, std::move(client_id), keys) {}

StatusOr<v1::Envelope> TestClient::Call(const v1::Request& r, int timeout_ms,
                                        const std::string& request_id) {
  BrokerClient::Options o;
  o.timeout_ms = timeout_ms;
  o.retry_ms = 1000;
  o.request_id = request_id;
  return client_.Call(r, o);
}

v1::Reply TestClient::Must(const v1::Request& r, const std::string& request_id) {
  auto env = Call(r, 5000, request_id);
  EXPECT_TRUE(env.ok()) << env.status().message();
  return env.ok() ? env->reply() : v1::Reply();
}

v1::Reply TestClient::Issue(const std::string& service, v1::PriorityReason p,
                            const std::string& request_id) {
  v1::Request r;
  r.mutable_issue()->set_service(service);
  r.mutable_issue()->set_priority(p);
  r.mutable_issue()->set_source(v1::KIOSK);
  r.mutable_issue()->set_source_id("kiosk-test");
  return Must(r, request_id);
}

v1::Reply TestClient::SignIn(int counter, const std::string& op) {
  // Tests' operators all have PIN 1234; adding an existing one again is harmless.
  v1::Request add;
  add.mutable_set_operator()->set_operator_id(op);
  add.mutable_set_operator()->set_pin(kTestPin);
  Must(add);
  v1::Request r;
  r.mutable_sign_in()->set_counter_id(counter);
  r.mutable_sign_in()->set_operator_id(op);
  r.mutable_sign_in()->set_pin(kTestPin);
  return Must(r);
}

v1::Reply TestClient::CallNext(int counter) {
  v1::Request r;
  r.mutable_call_next()->set_counter_id(counter);
  return Must(r);
}

v1::Reply TestClient::StartServing(int counter) {
  v1::Request r;
  r.mutable_start()->set_counter_id(counter);
  return Must(r);
}

v1::Reply TestClient::Finish(int counter) {
  v1::Request r;
  r.mutable_finish()->set_counter_id(counter);
  return Must(r);
}

v1::Reply TestClient::Snapshot(const std::string& zone) {
  v1::Request r;
  r.mutable_snapshot()->set_zone(zone);
  return Must(r);
}

v1::Status TestClient::Status() {
  v1::Request r;
  r.mutable_status();
  return Must(r).status();
}

}  // namespace mpp::testing

namespace mpp::testing {

bool ChildProcess::Start(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                         const std::string& stderr_path) {
  pid_ = fork();
  if (pid_ == 0) {
    for (const auto& e : env) putenv(const_cast<char*>(e.c_str()));
    const int err = open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (err >= 0) {
      dup2(err, STDERR_FILENO);
      dup2(err, STDOUT_FILENO);
    }
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  return pid_ > 0;
}

int ChildProcess::Wait(int timeout_ms) {
  if (pid_ <= 0) return -1;
  const int rc = WaitChild(pid_, timeout_ms);
  pid_ = -1;
  return rc;
}

int ChildProcess::Stop(int timeout_ms) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  return Wait(timeout_ms);
}

void ChildProcess::Kill() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }
}

Xvfb::~Xvfb() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status;
    waitpid(pid_, &status, 0);
  }
}

::testing::AssertionResult Xvfb::Start(int width, int height) {
  int fds[2];
  if (pipe(fds) != 0) return ::testing::AssertionFailure() << "pipe";
  pid_ = fork();
  if (pid_ == 0) {
    close(fds[0]);
    const std::string fd = std::to_string(fds[1]);
    const std::string screen = std::to_string(width) + "x" + std::to_string(height) + "x24";
    const int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, STDERR_FILENO);
    execlp("Xvfb", "Xvfb", "-displayfd", fd.c_str(), "-screen", "0", screen.c_str(), "-nolisten",
           "tcp", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  std::string out;
  pollfd p{fds[0], POLLIN, 0};
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (out.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    if (poll(&p, 1, 1000) <= 0) continue;
    char buf[32];
    const ssize_t n = read(fds[0], buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  close(fds[0]);
  if (out.empty()) {
    return ::testing::AssertionFailure() << "Xvfb did not start (is the xvfb package installed?)";
  }
  number_ = std::stoi(out);
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult BrokerProcess::StartOnSamePorts() {
  if (command_.empty()) return ::testing::AssertionFailure() << "never started";
  options_.endpoint = command_;
  options_.extra_args = {"--events", events_};
  return Start();
}

NotifySocket::NotifySocket(const std::string& path) : path_(path) {
  fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
  if (fd_ >= 0 && bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd_);
    fd_ = -1;
  }
}

NotifySocket::~NotifySocket() {
  if (fd_ >= 0) close(fd_);
}

const std::string& NotifySocket::Heard() {
  char buf[512];
  ssize_t n;
  while (fd_ >= 0 && (n = recv(fd_, buf, sizeof buf, MSG_DONTWAIT)) > 0) {
    heard_.append(buf, static_cast<size_t>(n)).push_back('\n');
  }
  return heard_;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

CommandResult RunCommand(const std::string& shell_command) {
  CommandResult r;
  FILE* p = popen(shell_command.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

bool WaitForFile(const std::string& path, int timeout_ms) {
  return WaitFor([&] { return std::filesystem::exists(path); }, timeout_ms);
}

void BrokerProcess::Signal(int sig) {
  if (pid_ > 0) kill(pid_, sig);
}

bool PngSize(const std::string& path, int* width, int* height) {
  std::ifstream in(path, std::ios::binary);
  unsigned char head[24];
  in.read(reinterpret_cast<char*>(head), sizeof head);
  if (in.gcount() != sizeof head || head[1] != 'P' || head[2] != 'N' || head[3] != 'G') {
    return false;
  }
  *width = head[16] << 24 | head[17] << 16 | head[18] << 8 | head[19];
  *height = head[20] << 24 | head[21] << 16 | head[22] << 8 | head[23];
  return true;
}

}  // namespace mpp::testing
