#include "broker/core/digest.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <sodium.h>

namespace mpp::core {

std::string Digest(const google::protobuf::Message& message, size_t bytes) {
  std::string serialized;
  {
    google::protobuf::io::StringOutputStream out(&serialized);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&coded);
  }
  std::string digest(bytes, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(digest.data()), digest.size(),
                     reinterpret_cast<const unsigned char*>(serialized.data()), serialized.size(),
                     nullptr, 0);
  return digest;
}

std::string HexDigest(const google::protobuf::Message& message, size_t bytes) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char b : Digest(message, bytes)) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

}  // namespace mpp::core
