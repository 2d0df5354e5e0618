// ZAP (ZeroMQ Authentication Protocol, RFC 27) for a broker with CURVE keys:
// every connection's CURVE public key is looked up among the registered,
// unrevoked devices; anything else is refused during the handshake. The
// accepted key becomes the connection's User-Id, from which the reactor
// authorizes each command.
//
// The handler is bound (inproc://zeromq.zap.01) before any broker socket
// binds, and the broker sockets set ZMQ_ZAP_ENFORCE_DOMAIN (option 93) so a
// missing handler fails closed. SelfTest() proves at start-up that an unknown
// key is refused.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>
#include <zmq.hpp>

#include "common/time_util.h"
#include "mpp/v1/mpp.pb.h"

namespace mpp::net {

// Devices by public key, shared by the ZAP thread and the reactor.
class DeviceRegistry {
 public:
  void Put(const v1::Device& device);
  std::optional<v1::Device> Find(const std::string& public_key) const;
  size_t size() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, v1::Device> devices_;  // GUARDED_BY(mu_)
};

// Refused handshakes and commands, summed per kind and subject until the
// reactor takes them for the event log (SECURITY_NOTICE). At most
// `max_subjects` subjects per interval; the rest add up under "(others)".
class SecurityTally {
 public:
  explicit SecurityTally(size_t max_subjects = 100) : max_subjects_(max_subjects) {}
  void Add(const std::string& kind, const std::string& subject, const std::string& detail,
           int64_t now_ms);
  std::vector<v1::SecurityNotice> Take();

 private:
  const size_t max_subjects_;
  std::mutex mu_;
  std::map<std::pair<std::string, std::string>, v1::SecurityNotice> notices_;  // GUARDED_BY(mu_)
};

class ZapHandler {
 public:
  // Binds the ZAP endpoint in `context` and starts the thread. Refusals are
  // added to `tally` (if not null) at `clock` time.
  ZapHandler(zmq::context_t* context, const DeviceRegistry* registry,
             SecurityTally* tally = nullptr, const Clock* clock = nullptr);
  ~ZapHandler();
  ZapHandler(const ZapHandler&) = delete;
  ZapHandler& operator=(const ZapHandler&) = delete;

  // Connects to `command_endpoint` with a fresh, unregistered key and waits
  // until this handler refused it. False (do not serve!) when the handshake
  // never reached the handler: ZAP would fail open.
  bool SelfTest(const std::string& command_endpoint, const std::string& server_public,
                std::chrono::milliseconds timeout);

  int64_t refused() const { return refused_.load(); }
  int64_t accepted() const { return accepted_.load(); }

 private:
  void Run();

  zmq::context_t* context_;
  const DeviceRegistry* registry_;
  SecurityTally* tally_;
  const Clock* clock_;
  zmq::socket_t socket_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> refused_{0}, accepted_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  std::string last_refused_;  // GUARDED_BY(mu_)
  // Log lines about refused handshakes: a budget per minute.
  std::chrono::steady_clock::time_point log_window_;
  int logged_ = 0;
  int64_t suppressed_ = 0;
  std::thread thread_;
};

}  // namespace mpp::net
