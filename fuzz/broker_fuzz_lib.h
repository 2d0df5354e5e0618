// The broker's whole message handling as a function of bytes, for libFuzzer
// (fuzz/broker_fuzz.cc), for replaying its finds as regression tests
// (fuzz/broker_fuzz_test.cc) and for writing the seed corpus.
//
// An input is up to 16 messages; each is [device u8][frame count u8] and
// then per frame [length u16, little endian][bytes]. The device byte picks
// who sends it on a broker with keys: admin, kiosk, counter 1, display,
// manager, or an unregistered key. Each message goes through
// net::Reactor::HandleOne - frame checks, parse, authorization, apply and an
// SQLite commit on an in-memory database - exactly as from a socket.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace mpp::fuzz {

// Runs one input; returns how many of its messages were answered OK. Aborts
// on a broken invariant (a reply that is not an Envelope). The broker's state
// carries over between calls, and is rebuilt every few thousand inputs (and
// when `fresh`).
int RunOne(const uint8_t* data, size_t size, bool fresh = false);

// Valid inputs for every command and role, plus a few broken ones.
std::vector<std::string> SeedInputs();

}  // namespace mpp::fuzz
