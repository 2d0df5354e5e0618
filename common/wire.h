// Framing of the MPP1 protocol (docs/PROTOCOL.md).
//
// Command socket (DEALER -> ROUTER): [tag "MPP1"][Envelope].
// Event socket (XPUB -> SUB): [topic][Envelope]. Event topics start with
// kTopicEvent ("mpp.event.<audiences>;", docs/PROTOCOL.md section 1: the
// broker grants each subscriber its audience's), heartbeats are
// kTopicHeartbeat; subscribe to kTopicPrefix for both.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "mpp/v1/mpp.pb.h"

namespace mpp {

inline constexpr std::string_view kProtocolTag = "MPP1";
inline constexpr std::string_view kTopicPrefix = "mpp.";
inline constexpr std::string_view kTopicEvent = "mpp.event";
inline constexpr std::string_view kTopicHeartbeat = "mpp.heartbeat";
inline constexpr size_t kMaxMessageBytes = 256 * 1024;  // broker refuses larger frames

// A fresh random request id (128 bits, hex). Reuse it for retries of the same request.
std::string NewRequestId();

// Protobuf's own log lines (e.g. on invalid UTF-8) go to spdlog, at most a
// few per second so that hostile input cannot flood the log.
void RouteProtobufLogsToSpdlog();

// The event endpoint to connect to: a broker bound to 0.0.0.0 (or *) reports
// that address, which is reached at the host of the command endpoint.
std::string ResolveEventEndpoint(const std::string& command_url, const std::string& event_url);

// Parses the broker's start-up line "mpp-broker ready command=URL events=URL"
// (its only line on stdout). False when `text` holds no complete ready line.
bool ParseReadyLine(const std::string& text, std::string* command, std::string* events);

// The English name of an error code, e.g. "QUOTA_EXHAUSTED".
std::string ErrorCodeName(v1::ErrorCode code);
// The broker's error code as a Status code (common/status.h: the same values).
StatusCode FromErrorCode(v1::ErrorCode code);

// A device role as mppctl and messages name it: "kiosk", "counter", "display",
// "manager", "admin", "web" ("none" for an unset role); ParseRole is its inverse.
std::string RoleName(v1::DeviceRole role);
bool ParseRole(const std::string& text, v1::DeviceRole* role);

}  // namespace mpp
