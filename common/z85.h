// Z85 (ZeroMQ RFC 32) CURVE keys as text: the check that a string is one,
// without libzmq, so that the core (which validates a device's key when it is
// registered) stays in the base layer with no socket library in reach.
#pragma once

#include <string_view>

namespace mpp {

// True for 40 characters of Z85's alphabet whose 5-character groups each
// encode a 32-bit value: exactly what zmq_z85_decode accepts for a 32-byte
// key (common/keys_test.cc checks the two agree).
bool IsZ85Key(std::string_view text);

}  // namespace mpp
