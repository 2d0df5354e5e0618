#include "common/booking_code.h"

#include <cctype>

#include "common/ticket_token.h"

namespace mpp {
namespace {

constexpr char kCrockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

// The 5-bit value of a token character (RFC 4648 base32, lower case), -1 if none.
int TokenValue(char c) {
  if (c >= 'a' && c <= 'z') return c - 'a';
  if (c >= '2' && c <= '7') return 26 + (c - '2');
  return -1;
}

// A typed character as a code character, or 0 when it is none.
char CodeChar(char c) {
  c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (c == 'O') return '0';
  if (c == 'I' || c == 'L') return '1';
  for (const char* k = kCrockford; *k; ++k) {
    if (*k == c) return c;
  }
  return 0;
}

}  // namespace

std::string BookingCodeFrom(const std::string& token_random) {
  if (!ValidTokenRandom(token_random)) return "";
  std::string code;
  for (int i = 0; i < kBookingCodeLength; ++i) code += kCrockford[TokenValue(token_random[i])];
  return code;
}

std::optional<std::string> NormalizeBookingCode(std::string_view input) {
  if (input.size() > 300) return std::nullopt;
  // A scanned QR code: the code is what follows the last "/b/".
  if (const size_t at = input.rfind("/b/"); at != std::string_view::npos) {
    input = input.substr(at + 3);
  }
  std::string code;
  for (char c : input) {
    if (c == '-' || c == ' ' || c == '\r' || c == '\n' || c == '\t') continue;
    const char k = CodeChar(c);
    if (!k) return std::nullopt;
    code += k;
  }
  if (code.size() != kBookingCodeLength) return std::nullopt;
  return code;
}

std::string FormatBookingCode(const std::string& code) {
  if (code.size() != kBookingCodeLength) return code;
  return code.substr(0, 4) + "-" + code.substr(4);
}

}  // namespace mpp
