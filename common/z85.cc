#include "common/z85.h"

#include <cstdint>
#include <cstring>

namespace mpp {

bool IsZ85Key(std::string_view text) {
  static constexpr char kAlphabet[] =
      "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
  if (text.size() != 40) return false;
  for (size_t group = 0; group < text.size(); group += 5) {
    uint64_t value = 0;
    for (size_t i = group; i < group + 5; ++i) {
      const char* at = text[i] ? std::strchr(kAlphabet, text[i]) : nullptr;
      if (!at) return false;
      value = value * 85 + static_cast<uint64_t>(at - kAlphabet);
    }
    if (value > UINT32_MAX) return false;
  }
  return true;
}

}  // namespace mpp
