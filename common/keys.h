// CURVE keys for the Ironhouse pattern (docs/SECURITY.md): the broker's
// keypair, each device's keypair, and the files they live in.
//
// A key directory holds NAME.key ("public=<z85>\nsecret=<z85>\n", mode 0600)
// and NAME.pub ("<z85>\n"). The broker reads broker.key and every
// admins/*.pub; a device (kiosk, counter, display, manager, mppctl) reads its
// own device.key and the broker's broker.pub from its --keys DIR.
#pragma once

#include <string>
#include <zmq.hpp>

#include "common/status.h"
#include "common/z85.h"  // IsZ85Key

namespace mpp {

struct KeyPair {
  std::string public_z85;  // 40 characters
  std::string secret_z85;
};

StatusOr<KeyPair> GenerateKeyPair();
// Writes DIR/NAME.key (0600) and DIR/NAME.pub; refuses to overwrite.
Status WriteKeyPair(const std::string& dir, const std::string& name, const KeyPair& keys);
// Reads a .key file; refuses one that others can read (mode must be 0600 or 0400).
StatusOr<KeyPair> ReadKeyPair(const std::string& path);
// Reads a .pub file, or a key given inline as "z85:KEY", and checks it is a key.
StatusOr<std::string> ReadPublicKey(const std::string& path_or_key);
// Refuses a folder of trusted keys (the broker's admins/) that others may
// write to. A missing folder is fine.
Status CheckKeysFolder(const std::string& dir);
// "0644": a file mode as people write it.
std::string OctalMode(unsigned mode);

// A client's keys: its own pair and the broker's public key.
struct ClientKeys {
  std::string broker_public;
  KeyPair own;
};
// DIR/broker.pub and DIR/device.key.
StatusOr<ClientKeys> LoadClientKeys(const std::string& dir);

// Process-wide: every socket a client library opens to the broker
// (BrokerClient, CloneClient) uses these keys from now on. Call once in main
// before any client starts; without a call, sockets are plaintext (a broker
// on loopback without keys).
void UseClientKeys(const ClientKeys& keys);
// LoadClientKeys(dir) + UseClientKeys; an empty `dir` does nothing (plaintext).
Status UseClientKeysFrom(const std::string& dir);
// Back to plaintext sockets (tests that used UseClientKeys).
void ForgetClientKeys();
// Sets CURVE client options on `socket` if UseClientKeys was called.
void ApplyClientKeys(zmq::socket_t& socket);

}  // namespace mpp
