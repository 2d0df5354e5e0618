#include "common/wire.h"

#include <google/protobuf/stubs/logging.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <random>

namespace mpp {

std::string NewRequestId() {
  thread_local std::mt19937_64 rng{
      std::random_device{}() ^
      static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count())};
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(rng()),
                static_cast<unsigned long long>(rng()));
  return buf;
}

namespace {
void ProtobufLogHandler(google::protobuf::LogLevel level, const char* filename, int line,
                        const std::string& message) {
  // Token bucket: 5 lines per second.
  static std::atomic<int64_t> window{0};
  static std::atomic<int> used{0};
  const int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::steady_clock::now().time_since_epoch())
                            .count();
  if (window.exchange(now_s) != now_s) used = 0;
  if (++used > 5) return;
  spdlog::warn("protobuf: {} ({}:{})", message, filename, line);
  (void)level;
}
}  // namespace

void RouteProtobufLogsToSpdlog() { google::protobuf::SetLogHandler(&ProtobufLogHandler); }

std::string ResolveEventEndpoint(const std::string& command_url, const std::string& event_url) {
  const auto cmd_colon = command_url.rfind(':');
  const auto ev_colon = event_url.rfind(':');
  const auto ev_scheme = event_url.find("://");
  if (cmd_colon == std::string::npos || ev_colon == std::string::npos ||
      ev_scheme == std::string::npos || ev_colon < ev_scheme + 3) {
    return event_url;
  }
  const std::string host = event_url.substr(ev_scheme + 3, ev_colon - ev_scheme - 3);
  if (host != "0.0.0.0" && host != "*" && host != "[::]") return event_url;
  return command_url.substr(0, cmd_colon) + event_url.substr(ev_colon);
}

bool ParseReadyLine(const std::string& text, std::string* command, std::string* events) {
  const auto line = text.find("mpp-broker ready ");
  if (line == std::string::npos) return false;
  const auto eol = text.find('\n', line);
  if (eol == std::string::npos) return false;
  auto field = [&](const std::string& key) {
    const auto pos = text.find(" " + key + "=", line);
    if (pos == std::string::npos || pos > eol) return std::string();
    const auto start = pos + key.size() + 2;
    return text.substr(start, text.find_first_of(" \n", start) - start);
  };
  *command = field("command");
  *events = field("events");
  return !command->empty() && !events->empty();
}

std::string ErrorCodeName(v1::ErrorCode code) { return v1::ErrorCode_Name(code); }

// StatusCode mirrors v1::ErrorCode value for value: a code added to the
// protocol is added there too (StatusCode.TheBrokersErrorCodesMapOneToOne).
static_assert(static_cast<int>(StatusCode::kResourceExhausted) == v1::RESOURCE_EXHAUSTED &&
              v1::ErrorCode_MAX == v1::RESOURCE_EXHAUSTED);
static_assert(static_cast<int>(StatusCode::kUnavailable) == v1::UNAVAILABLE);
static_assert(static_cast<int>(StatusCode::kNotPermitted) == v1::NOT_PERMITTED);

StatusCode FromErrorCode(v1::ErrorCode code) { return static_cast<StatusCode>(code); }

std::string RoleName(v1::DeviceRole role) {
  switch (role) {
    case v1::ROLE_KIOSK:
      return "kiosk";
    case v1::ROLE_COUNTER:
      return "counter";
    case v1::ROLE_DISPLAY:
      return "display";
    case v1::ROLE_MANAGER:
      return "manager";
    case v1::ROLE_ADMIN:
      return "admin";
    case v1::ROLE_WEB:
      return "web";
    default:
      return "none";
  }
}

bool ParseRole(const std::string& text, v1::DeviceRole* role) {
  for (v1::DeviceRole r :
       {v1::ROLE_KIOSK, v1::ROLE_COUNTER, v1::ROLE_DISPLAY, v1::ROLE_MANAGER, v1::ROLE_ADMIN,
        v1::ROLE_WEB}) {
    if (RoleName(r) == text) {
      *role = r;
      return true;
    }
  }
  return false;
}

}  // namespace mpp
