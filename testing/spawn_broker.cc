#include "testing/spawn_broker.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cstdlib>

#include "common/wire.h"

namespace mpp::testing {

pid_t SpawnWithStdoutPipe(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                          const std::string& stderr_path, int* stdout_fd) {
  int fds[2];
  if (pipe(fds) != 0) return -1;
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    if (!stderr_path.empty()) {
      const int err = open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (err >= 0) dup2(err, STDERR_FILENO);
    }
    close(fds[0]);
    close(fds[1]);
    std::vector<std::string> vars = env;  // putenv keeps the pointer: a copy that lives on
    for (auto& e : vars) putenv(e.data());
    std::vector<std::string> args = argv;
    std::vector<char*> cargs;
    for (auto& a : args) cargs.push_back(a.data());
    cargs.push_back(nullptr);
    execv(cargs[0], cargs.data());
    _exit(127);
  }
  close(fds[1]);
  if (pid < 0) {
    close(fds[0]);
    return -1;
  }
  *stdout_fd = fds[0];
  return pid;
}

Status WaitForReadyLine(int stdout_fd, std::chrono::milliseconds timeout, std::string* command,
                        std::string* events) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string out;
  while (out.find("mpp-broker ready") == std::string::npos ||
         out.find('\n', out.find("mpp-broker ready")) == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return Status::Error(StatusCode::kUnavailable,
                           "no ready line within " + std::to_string(timeout.count()) + " ms");
    }
    pollfd p{stdout_fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[512];
    const ssize_t n = read(stdout_fd, buf, sizeof buf);
    if (n <= 0)
      return Status::Error(StatusCode::kInternal, "the broker exited before it was ready");
    out.append(buf, static_cast<size_t>(n));
  }
  if (!ParseReadyLine(out, command, events)) {
    return Status::Error(StatusCode::kInvalidArgument, "unexpected ready line: " + out);
  }
  return Status::Ok();
}

}  // namespace mpp::testing
