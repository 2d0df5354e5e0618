#include "common/keys.h"

#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>

#include "common/mutex.h"

namespace mpp {
namespace {

Mutex g_mu;
std::optional<ClientKeys> g_keys GUARDED_BY(g_mu);

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

StatusOr<KeyPair> GenerateKeyPair() {
  char pub[41], sec[41];
  if (zmq_curve_keypair(pub, sec) != 0) {
    return Status::Error("cannot make a CURVE keypair: libzmq was built without CURVE (libsodium)");
  }
  return KeyPair{pub, sec};
}

Status WriteKeyPair(const std::string& dir, const std::string& name, const KeyPair& keys) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::Error("cannot create " + dir + ": " + ec.message());
  const std::string key_path = dir + "/" + name + ".key", pub_path = dir + "/" + name + ".pub";
  if (std::filesystem::exists(key_path) || std::filesystem::exists(pub_path)) {
    return Status::Error(key_path + " already exists; remove it first or choose another --name");
  }
  {
    // Created 0600 before anything secret is written into it.
    const mode_t old = umask(077);
    std::ofstream out(key_path);
    umask(old);
    out << "public=" << keys.public_z85 << "\nsecret=" << keys.secret_z85 << "\n";
    if (!out) return Status::Error("cannot write " + key_path);
  }
  chmod(key_path.c_str(), 0600);
  std::ofstream pub(pub_path);
  pub << keys.public_z85 << "\n";
  if (!pub) return Status::Error("cannot write " + pub_path);
  return Status::Ok();
}

std::string OctalMode(unsigned mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", mode & 07777);
  return buf;
}

Status CheckKeysFolder(const std::string& dir) {
  struct stat st {};
  if (stat(dir.c_str(), &st) != 0) return Status::Ok();  // none: nothing to trust
  if (st.st_mode & 022) {
    return Status::Error(dir + " can be written by other users (mode " + OctalMode(st.st_mode) +
                         "): anyone on this machine could add a key there and become an "
                         "administrator at the next start. Run: chmod 700 " +
                         dir);
  }
  return Status::Ok();
}

StatusOr<KeyPair> ReadKeyPair(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    return Status::Error(path + " does not exist; make it with `mppctl keys generate`");
  }
  if (st.st_mode & 077) {
    return Status::Error(path + " can be read by other users (mode " + OctalMode(st.st_mode) +
                         "); a secret key must be private: chmod 600 " + path);
  }
  std::ifstream in(path);
  std::string line;
  KeyPair k;
  while (std::getline(in, line)) {
    line = Trim(line);
    if (line.rfind("public=", 0) == 0) k.public_z85 = line.substr(7);
    if (line.rfind("secret=", 0) == 0) k.secret_z85 = line.substr(7);
  }
  if (!IsZ85Key(k.public_z85) || !IsZ85Key(k.secret_z85)) {
    return Status::Error(path +
                         " is not a key file (expected public=<40 z85 characters> and "
                         "secret=<40 z85 characters>)");
  }
  return k;
}

StatusOr<std::string> ReadPublicKey(const std::string& path_or_key) {
  // A key given inline says so: a path can be 40 characters of the Z85
  // alphabet too (/srv/mpp/keys/kiosk-lobby-123/broker.pub), and was once
  // taken for a key.
  constexpr std::string_view kInline = "z85:";
  if (path_or_key.rfind(kInline, 0) == 0) {
    const std::string key = path_or_key.substr(kInline.size());
    if (!IsZ85Key(key)) {
      return Status::Error("'" + path_or_key.substr(0, 60) +
                           "' is not z85: followed by a 40-character CURVE public key");
    }
    return key;
  }
  std::ifstream in(path_or_key);
  if (!in) {
    return Status::Error(path_or_key +
                         " cannot be read; give the .pub file written by `mppctl keys generate`, "
                         "or the key itself as z85:KEY");
  }
  std::stringstream text;
  text << in.rdbuf();
  const std::string key = Trim(text.str());
  if (!IsZ85Key(key)) return Status::Error(path_or_key + " does not hold a CURVE public key");
  return key;
}

StatusOr<ClientKeys> LoadClientKeys(const std::string& dir) {
  auto broker = ReadPublicKey(dir + "/broker.pub");
  if (!broker.ok()) return Status::Error("--keys " + dir + ": " + broker.status().message());
  auto own = ReadKeyPair(dir + "/device.key");
  if (!own.ok()) return Status::Error("--keys " + dir + ": " + own.status().message());
  return ClientKeys{*broker, *own};
}

void UseClientKeys(const ClientKeys& keys) {
  MutexLock lock(&g_mu);
  g_keys = keys;
}

void ForgetClientKeys() {
  MutexLock lock(&g_mu);
  g_keys.reset();
}

Status UseClientKeysFrom(const std::string& dir) {
  if (dir.empty()) return Status::Ok();
  auto keys = LoadClientKeys(dir);
  if (!keys.ok()) return keys.status();
  UseClientKeys(*keys);
  return Status::Ok();
}

void ApplyClientKeys(zmq::socket_t& socket) {
  MutexLock lock(&g_mu);
  if (!g_keys) return;
  socket.set(zmq::sockopt::curve_serverkey, g_keys->broker_public);
  socket.set(zmq::sockopt::curve_publickey, g_keys->own.public_z85);
  socket.set(zmq::sockopt::curve_secretkey, g_keys->own.secret_z85);
}

}  // namespace mpp
