#include "tests/chromium.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <vector>

#include "testing/wait_for.h"

namespace mpp::testing {

Chromium::~Chromium() {
  if (to_ >= 0) close(to_);
  if (from_ >= 0) close(from_);
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    int status;
    waitpid(pid_, &status, 0);
  }
}

bool Chromium::Start(const std::string& profile_dir, const std::string& log_path,
                     std::string* error) {
  int to[2], from[2];
  if (pipe2(to, O_CLOEXEC) != 0 || pipe2(from, O_CLOEXEC) != 0) {
    *error = "pipe failed";
    return false;
  }
  pid_ = fork();
  if (pid_ == 0) {
    // The child: fd 3 is what the browser reads, fd 4 what it writes.
    dup2(to[0], 3);
    dup2(from[1], 4);
    const int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (log >= 0) {
      dup2(log, STDOUT_FILENO);
      dup2(log, STDERR_FILENO);
    }
    const std::string profile = "--user-data-dir=" + profile_dir;
    const char* argv[] = {"chromium",
                          "--headless=new",
                          "--no-sandbox",
                          "--disable-gpu",
                          "--remote-debugging-pipe",
                          "--no-first-run",
                          "--hide-scrollbars",
                          "--mute-audio",
                          profile.c_str(),
                          "about:blank",
                          nullptr};
    execvp(argv[0], const_cast<char* const*>(argv));
    _exit(127);
  }
  close(to[0]);
  close(from[1]);
  to_ = to[1];
  from_ = from[0];
  if (pid_ < 0) {
    *error = "fork failed";
    return false;
  }
  if (!Send("Browser.getVersion", nlohmann::json::object(), "", 20000)) {
    *error = "chromium did not answer on its DevTools pipe (installed? see " + log_path + ")";
    return false;
  }
  return true;
}

std::optional<nlohmann::json> Chromium::Send(const std::string& method, nlohmann::json params,
                                             const std::string& session, int timeout_ms) {
  const int id = next_id_++;
  nlohmann::json msg = {{"id", id}, {"method", method}, {"params", std::move(params)}};
  if (!session.empty()) msg["sessionId"] = session;
  std::string text = msg.dump();
  text.push_back('\0');
  for (size_t off = 0; off < text.size();) {
    const ssize_t n = write(to_, text.data() + off, text.size() - off);
    if (n <= 0) return std::nullopt;
    off += static_cast<size_t>(n);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    size_t end;
    while ((end = buffer_.find('\0')) != std::string::npos) {
      const std::string one = buffer_.substr(0, end);
      buffer_.erase(0, end + 1);
      auto j = nlohmann::json::parse(one, nullptr, false);
      if (j.is_discarded() || !j.contains("id") || j["id"] != id) continue;  // events
      if (j.contains("error")) return std::nullopt;
      return j["result"];
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) return std::nullopt;
    pollfd p{from_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left)) <= 0) continue;
    char buf[65536];
    const ssize_t n = read(from_, buf, sizeof buf);
    if (n <= 0) return std::nullopt;
    buffer_.append(buf, static_cast<size_t>(n));
  }
}

std::optional<nlohmann::json> Chromium::Call(const std::string& method, nlohmann::json params,
                                             int timeout_ms) {
  return Send(method, std::move(params), session_, timeout_ms);
}

bool Chromium::Open(const std::string& url, int width, int height) {
  auto target = Send("Target.createTarget", {{"url", "about:blank"}}, "", 10000);
  if (!target) return false;
  auto attached = Send("Target.attachToTarget",
                       {{"targetId", (*target)["targetId"]}, {"flatten", true}}, "", 10000);
  if (!attached) return false;
  session_ = (*attached)["sessionId"];
  if (!Call("Emulation.setDeviceMetricsOverride",
            {{"width", width}, {"height", height}, {"deviceScaleFactor", 1}, {"mobile", true}})) {
    return false;
  }
  if (!Call("Page.navigate", {{"url", url}})) return false;
  return WaitFor([&] { return Evaluate("document.readyState") == "complete"; }, 20000);
}

std::string Chromium::Evaluate(const std::string& expression) {
  auto r = Call("Runtime.evaluate", {{"expression", expression}, {"returnByValue", true}});
  if (!r || !r->contains("result")) return "";
  const auto& v = (*r)["result"];
  return v.contains("value") && v["value"].is_string() ? v["value"].get<std::string>() : "";
}

bool Chromium::Screenshot(const std::string& png_path) {
  auto r = Call("Page.captureScreenshot", {{"format", "png"}});
  if (!r || !r->contains("data")) return false;
  const std::string b64 = (*r)["data"];
  std::vector<unsigned char> png(b64.size());
  size_t len = 0;
  if (sodium_base642bin(png.data(), png.size(), b64.data(), b64.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0) {
    return false;
  }
  std::ofstream out(png_path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(png.data()), static_cast<std::streamsize>(len));
  return static_cast<bool>(out);
}

}  // namespace mpp::testing
