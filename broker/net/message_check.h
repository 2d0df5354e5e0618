// CheckMessage: what is wrong with a command message as it arrived, before
// anything looks at its command - the bad-input guard at the broker's door.
//
// A message is [identity][tag "MPP1"][Envelope]. It is refused when it has
// another number of frames, another tag, an envelope that does not parse, no
// request, a client or request id that is not 1..128 printable ASCII
// characters (the client id may not be empty; the request id may be, for a
// read), or a field over its limit (core/field_limits.h). The refusal says
// what is wrong and what to do, in both languages, and never echoes a value.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "mpp/v1/mpp.pb.h"

namespace mpp::net {

struct BadInput {
  std::string request_id;  // the envelope's, once it is known to be valid
  v1::ErrorCode code = v1::INVALID_ARGUMENT;
  std::string message_id, message_en;
  std::string log;  // one line for the broker's log
  // Garbage (frames, tag, envelope, ids) counts towards the connection's
  // quarantine; a well-formed request with a field too long does not.
  bool garbage = true;
};

// The `count` frames after the identity, the first two of which are `tag`
// and `envelope` (empty when missing). Fills `*in` on success.
std::optional<BadInput> CheckMessage(size_t count, std::string_view tag, std::string_view envelope,
                                     v1::Envelope* in);

// 1..128 printable ASCII characters, no spaces (empty allowed).
bool ValidId(std::string_view id);

}  // namespace mpp::net
