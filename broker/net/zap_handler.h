// ZAP (ZeroMQ Authentication Protocol, RFC 27). With CURVE keys, every
// connection's CURVE public key is looked up among the registered, unrevoked
// devices; anything else is refused during the handshake. The accepted key
// becomes the connection's User-Id, from which the reactor authorizes each
// command. With or without keys, a connection is refused (status 500, which
// the client is told) while the broker is short of file descriptors: refused, the
// connection closes and its descriptor is free again, where an accept that
// fails for want of one leaves the device waiting and libzmq's listener
// retrying in a loop.
//
// The handler is bound (inproc://zeromq.zap.01) before any broker socket
// binds, and the broker sockets set ZMQ_ZAP_ENFORCE_DOMAIN (option 93) so a
// missing handler fails closed. SelfTest() proves at start-up that an unknown
// key is refused.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>
#include <zmq.hpp>

#include "common/mutex.h"
#include "common/time_util.h"
#include "mpp/v1/mpp.pb.h"

namespace mpp::net {

// Devices by public key, shared by the ZAP thread and the reactor.
class DeviceRegistry {
 public:
  void Put(const v1::Device& device);
  std::optional<v1::Device> Find(const std::string& public_key) const;
  std::vector<v1::Device> All() const;
  size_t size() const;

 private:
  mutable Mutex mu_;
  std::map<std::string, v1::Device> devices_ GUARDED_BY(mu_);
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
  Mutex mu_;
  std::map<std::pair<std::string, std::string>, v1::SecurityNotice> notices_ GUARDED_BY(mu_);
};

// Whether the broker has a file descriptor to spare for one more connection.
// The last `reserve` descriptors (an eighth of the open-file limit, at least
// 24 and at most 64) are kept for the broker's own files (the database, its
// WAL and shared memory, reports, backups) and for connections accepted but
// not yet answered by ZAP. Descriptors in use are counted from /proc/self/fd
// (~0.4 us each) at most every 100 ms, or every 5 ms while short; in between,
// each connection let in counts one more. Used by the ZAP thread only.
class FdBudget {
 public:
  struct Room {
    bool room = true;
    long long in_use = 0;  // -1: could not be counted (none left to list them)
    long long limit = 0;
    long long reserve = 0;
  };
  Room Check();
  void Admitted() { ++admitted_since_count_; }

  static long long Reserve(long long limit);
  static long long Limit();  // the soft RLIMIT_NOFILE, 0 if unlimited
  static long long Count();  // descriptors in use, -1 if they cannot be listed

 private:
  std::chrono::steady_clock::time_point counted_at_{};
  long long counted_ = 0;
  long long admitted_since_count_ = 0;
  bool short_ = false;
};

class ZapHandler {
 public:
  // Binds the ZAP endpoint in `context` and starts the thread. `registry`
  // null: a broker without keys, where every NULL-mechanism connection is
  // let in (while there is room). Refusals of keys are added to `tally` (if
  // not null) at `clock` time.
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
  int64_t refused_no_room() const { return refused_no_room_.load(); }
  int64_t accepted() const { return accepted_.load(); }

 private:
  // The answer to one ZAP request: "200" (in; `key` becomes the User-Id),
  // "400" (refused) or "500" (no room), with its reason.
  struct Verdict {
    std::string status, text, key;
  };
  void Run();
  Verdict Decide(const std::vector<zmq::message_t>& request);
  // Counts, tallies and logs (at most 20 lines a minute) a refusal.
  void NoteRefused(const Verdict& v, const std::string& address);
  // Logs the connections refused for want of descriptors, once a second.
  void NoteNoRoom(bool refused_now);

  zmq::context_t* context_;
  const DeviceRegistry* registry_;
  SecurityTally* tally_;
  const Clock* clock_;
  zmq::socket_t socket_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> refused_{0}, accepted_{0}, refused_no_room_{0};
  Mutex mu_;
  CondVar cv_;
  std::string last_refused_ GUARDED_BY(mu_);
  // Log lines about refused handshakes: a budget per minute.
  std::chrono::steady_clock::time_point log_window_;
  int logged_ = 0;
  int64_t suppressed_ = 0;
  std::chrono::steady_clock::time_point no_room_logged_;
  int64_t no_room_unlogged_ = 0;
  FdBudget fds_;
  std::thread thread_;
};

}  // namespace mpp::net
