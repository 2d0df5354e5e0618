#include "broker/core/pin_hash.h"

#include <sodium.h>

#include <cstdlib>

namespace mpp::core {
namespace {

void InitSodium() {
  if (sodium_init() < 0) std::abort();  // no usable random source: cannot hash PINs safely
}

}  // namespace

unsigned long long DefaultPinOpsLimit() { return crypto_pwhash_OPSLIMIT_INTERACTIVE; }
size_t DefaultPinMemLimit() { return crypto_pwhash_MEMLIMIT_INTERACTIVE; }

std::string HashPin(std::string_view pin, unsigned long long opslimit, size_t memlimit) {
  InitSodium();
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(hash, pin.data(), pin.size(), opslimit, memlimit) != 0) return "";
  return hash;
}

std::string HashOfNoPin(unsigned long long opslimit, size_t memlimit) {
  InitSodium();
  unsigned char secret[16];
  randombytes_buf(secret, sizeof secret);
  return HashPin(std::string_view(reinterpret_cast<const char*>(secret), sizeof secret), opslimit,
                 memlimit);
}

}  // namespace mpp::core
