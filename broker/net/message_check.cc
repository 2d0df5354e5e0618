#include "broker/net/message_check.h"

#include "broker/core/field_limits.h"
#include "common/wire.h"

namespace mpp::net {
namespace {

constexpr size_t kMaxIdLength = 128;

BadInput Bad(v1::ErrorCode code, std::string id, std::string en, std::string log,
             std::string request_id = "") {
  return BadInput{std::move(request_id), code, std::move(id), std::move(en), std::move(log)};
}

}  // namespace

bool ValidId(std::string_view id) {
  if (id.size() > kMaxIdLength) return false;
  for (unsigned char c : id) {
    if (c < 0x21 || c > 0x7e) return false;  // printable ASCII, no spaces
  }
  return true;
}

std::optional<BadInput> CheckMessage(size_t count, std::string_view tag, std::string_view envelope,
                                     v1::Envelope* in) {
  if (count != 2) {
    return Bad(v1::INVALID_ARGUMENT, "Format pesan salah.",
               "Malformed message: expected 2 frames [MPP1][Envelope].",
               "bad message: " + std::to_string(count) + " frames, expected 2");
  }
  if (tag != kProtocolTag) {
    return Bad(v1::UNSUPPORTED_VERSION, "Versi protokol tidak didukung.",
               "Unsupported protocol tag; this broker speaks MPP1.",
               "bad message: unknown protocol tag (" + std::to_string(tag.size()) + " bytes)");
  }
  if (!in->ParseFromArray(envelope.data(), static_cast<int>(envelope.size()))) {
    return Bad(
        v1::INVALID_ARGUMENT, "Isi pesan tidak dapat dibaca.",
        "The envelope is not a valid MPP1 protobuf (or has invalid UTF-8).",
        "bad message: envelope does not parse (" + std::to_string(envelope.size()) + " bytes)");
  }
  if (!in->has_request() || !ValidId(in->client_id()) || !ValidId(in->request_id())) {
    return Bad(v1::INVALID_ARGUMENT, "Permintaan tidak sah.",
               "An envelope must carry a request, and client_id/request_id of at most 128 "
               "printable ASCII characters.",
               "bad message: no request, or bad client/request id",
               ValidId(in->request_id()) ? in->request_id() : "");
  }
  if (const auto bad = core::CheckFieldLimits(in->request())) {
    // The refusal names the field and its limit and never echoes the value.
    const std::string n = std::to_string(bad->bytes), limit = std::to_string(bad->limit);
    BadInput too_long =
        Bad(v1::INVALID_ARGUMENT,
            "Isian " + bad->field + " terlalu panjang (" + n + " byte); paling banyak " + limit +
                " byte.",
            "Field " + bad->field + " is " + n + " bytes; at most " + limit +
                " are accepted (docs/PROTOCOL.md, field limits).",
            "refused a request: " + bad->field + " is " + n + " bytes (limit " + limit + ")",
            in->request_id());
    too_long.garbage = false;
    return too_long;
  }
  return std::nullopt;
}

}  // namespace mpp::net
