// The command-line conventions every program shares (docs/OPERATIONS.md,
// "Command-line conventions"): the same exit codes, and CLI11's parse errors
// mapped onto them.
#pragma once

#include <CLI/CLI.hpp>

namespace mpp {

inline constexpr int kExitOk = 0;           // done (also --help, --version)
inline constexpr int kExitRefused = 1;      // the broker answered with a refusal
inline constexpr int kExitUsage = 2;        // bad flags, files or configuration: fix and rerun
inline constexpr int kExitUnreachable = 3;  // no answer from the broker

// Parses the command line. Returns -1 to go on, or the code to exit with:
// kExitOk after --help or --version (printed), kExitUsage after a usage error
// (CLI11's message, which names the flag, on stderr). CLI11's own codes
// (105-109) mean nothing to a script or a service manager.
inline int ParseCommandLine(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
    return -1;
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }
}

}  // namespace mpp

// In main(): returns from it when the command line says to stop.
#define MPP_PARSE(app, argc, argv)                                                      \
  do {                                                                                  \
    if (const int mpp_exit_code = ::mpp::ParseCommandLine(app, argc, argv); mpp_exit_code >= 0) \
      return mpp_exit_code;                                                             \
  } while (0)
