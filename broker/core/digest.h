// Digest: a BLAKE2b hash of a protobuf message's deterministic serialization
// (the same fields give the same bytes on every run). The catalog's version
// and a stored reply's command are named by it.
#pragma once

#include <google/protobuf/message.h>

#include <cstddef>
#include <string>

namespace mpp::core {

// `bytes` (8..64) raw bytes of BLAKE2b over `message`.
std::string Digest(const google::protobuf::Message& message, size_t bytes);

// The same as lowercase hex.
std::string HexDigest(const google::protobuf::Message& message, size_t bytes);

}  // namespace mpp::core
