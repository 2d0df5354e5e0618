// A headless Chromium (Debian's `chromium`) for the web pages' tests, driven
// over the DevTools protocol on a pipe (--remote-debugging-pipe: JSON
// messages ended by NUL on the child's fds 3 and 4), so a test opens a real
// page at phone size, reads its DOM as the page's own script changed it, and
// takes a screenshot - without a WebSocket library.
#pragma once

#include <sys/types.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace mpp::testing {

class Chromium {
 public:
  ~Chromium();
  // Starts the browser with its profile in `profile_dir` and its log in
  // `log_path`; false (and `*error`) when it is missing or does not answer.
  bool Start(const std::string& profile_dir, const std::string& log_path, std::string* error);
  // Opens `url` in a new tab as a phone of `width` x `height` CSS pixels and
  // waits (up to 20 s) until it has loaded.
  bool Open(const std::string& url, int width, int height);
  // A DevTools command in the page's session; nullopt on error or timeout.
  std::optional<nlohmann::json> Call(const std::string& method, nlohmann::json params,
                                     int timeout_ms = 10000);
  // The value of a JavaScript expression in the page, as a string ("" when
  // it throws or is not a string).
  std::string Evaluate(const std::string& expression);
  // The page as it is on screen now.
  bool Screenshot(const std::string& png_path);

 private:
  std::optional<nlohmann::json> Send(const std::string& method, nlohmann::json params,
                                     const std::string& session, int timeout_ms);
  pid_t pid_ = -1;
  int to_ = -1, from_ = -1;
  int next_id_ = 1;
  std::string buffer_;
  std::string session_;
};

}  // namespace mpp::testing
