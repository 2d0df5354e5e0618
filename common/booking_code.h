// A booking's code (Booking.code, docs/PROTOCOL.md section 10): 8 characters
// of Crockford's base32 (digits and capital letters without I, L, O and U),
// 40 random bits, shown as "7KQ2-M9XD". Whoever holds it may see, cancel and
// check in the booking; the web gateway limits guesses per address.
//
// The broker makes it from the random characters the reactor offers for a
// ticket's token (common/ticket_token.h). A visitor types it at the kiosk, or
// the kiosk's scanner reads the booking's QR code (PUBLIC_URL/b/CODE);
// NormalizeBookingCode takes either.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mpp {

inline constexpr int kBookingCodeLength = 8;

// The code made from a token's random part (ValidTokenRandom); empty if it
// is not one.
std::string BookingCodeFrom(const std::string& token_random);
// A code as a visitor or a scanner gives it: any case, with dashes or
// spaces, O for 0 and I or L for 1, or a URL ending in /b/CODE. nullopt when
// it cannot be a code.
std::optional<std::string> NormalizeBookingCode(std::string_view input);
// "7KQ2M9XD" -> "7KQ2-M9XD".
std::string FormatBookingCode(const std::string& code);

}  // namespace mpp
