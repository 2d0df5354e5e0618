// Starting mpp-broker from a test or a benchmark: the process with its stdout
// on a pipe, and the wait for its one line there, "mpp-broker ready
// command=URL events=URL" (docs/OPERATIONS.md) - what tests/broker_process
// and bench/load.cc both do.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "common/status.h"

namespace mpp::testing {

// Forks and executes `argv` (argv[0] a path) with `env` entries added
// ("NAME=value"), stdout to a pipe whose read end is `*stdout_fd`, stderr
// appended to `stderr_path` (empty: inherited). Returns the pid, -1 on failure.
pid_t SpawnWithStdoutPipe(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                          const std::string& stderr_path, int* stdout_fd);

// Reads `stdout_fd` until the broker's ready line, at most `timeout`. Errors:
// kUnavailable when the time ran out, kInternal when the broker closed its
// stdout (exited) first, kInvalidArgument for a line that does not parse.
Status WaitForReadyLine(int stdout_fd, std::chrono::milliseconds timeout, std::string* command,
                        std::string* events);

}  // namespace mpp::testing
