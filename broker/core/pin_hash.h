// HashPin: an operator's PIN as an Argon2id string (libsodium crypto_pwhash_str),
// with a random salt. Random and slow (~0.3 s and 64 MiB at the INTERACTIVE
// limits), so it is never called inside QueueCore::Apply, which stays a
// function of its inputs: the PIN thread (net::PinWorker) hashes and hands the
// result in with QueueCore::OfferPinWork.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mpp::core {

// libsodium's INTERACTIVE limits: what a hall's broker uses.
unsigned long long DefaultPinOpsLimit();
size_t DefaultPinMemLimit();

// Empty when libsodium cannot (out of memory).
std::string HashPin(std::string_view pin, unsigned long long opslimit, size_t memlimit);

// A hash of a random secret nobody knows: what a PIN is checked against when
// the operator id is unknown, so that it costs the time of a wrong PIN.
std::string HashOfNoPin(unsigned long long opslimit, size_t memlimit);

}  // namespace mpp::core
