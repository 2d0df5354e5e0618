#include "common/ticket_token.h"

#include <algorithm>

namespace mpp {
namespace {

bool IsBase32(char c) { return (c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'); }

}  // namespace

bool ValidTokenRandom(const std::string& random) {
  return random.size() == kTokenRandomLength && std::all_of(random.begin(), random.end(), IsBase32);
}

std::string TicketToken(const std::string& business_day, const std::string& random) {
  std::string token;
  for (char c : business_day) {
    if (c != '-') token += c;
  }
  return token + random;
}

std::string TokenDay(const std::string& token) {
  if (token.size() != kTokenLength ||
      !std::all_of(token.begin(), token.begin() + 8, [](char c) { return c >= '0' && c <= '9'; }) ||
      !ValidTokenRandom(token.substr(8))) {
    return "";
  }
  return token.substr(0, 4) + "-" + token.substr(4, 2) + "-" + token.substr(6, 2);
}

}  // namespace mpp
