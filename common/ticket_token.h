// A ticket's token (Ticket.token, docs/PROTOCOL.md section 8): the business
// day without dashes, then 20 random base32 characters (100 bits), e.g.
// "20261207" "k3jd5q7x2mbc4ahz9e6w". The broker makes it; the web gateway
// checks an address's token has this form before asking the broker; the day
// lets a page say "this ticket was for another day" without a lookup.
#pragma once

#include <string>

namespace mpp {

inline constexpr int kTokenRandomLength = 20;
inline constexpr int kTokenLength = 8 + kTokenRandomLength;
// ticket_status answers at most this many tokens a request.
inline constexpr int kMaxStatusTokens = 1000;

bool ValidTokenRandom(const std::string& random);
std::string TicketToken(const std::string& business_day, const std::string& random);
// The business day ("YYYY-MM-DD") a well-formed token names; empty otherwise.
std::string TokenDay(const std::string& token);
inline bool WellFormedToken(const std::string& token) { return !TokenDay(token).empty(); }

}  // namespace mpp
