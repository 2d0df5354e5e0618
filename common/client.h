// BrokerClient: a request/reply session with the broker over a DEALER socket.
//
// Call() sends a request and waits for its reply. If no reply arrives within
// `retry_ms` it resends the same envelope (same request_id), which the broker
// answers from its stored reply, so a retry never issues a second ticket or
// calls two tickets. After `timeout_ms` it gives up with an UNAVAILABLE error
// that says the broker cannot be reached. It never blocks longer than
// `timeout_ms`, also when the broker is gone and no connection exists.
//
// Giving up says why, from a ZeroMQ socket monitor on the connection: nothing
// listens there (UNAVAILABLE), the broker refused this device's key
// (PERMISSION_DENIED: not registered, or revoked), the secure handshake failed
// (UNAVAILABLE: wrong broker.pub, keys on one side only), or something
// accepted the connection but never completed a handshake. A new connection
// is watched from its start until its first call ends, later ones only while
// a late reply is awaited; the monitor's queue is drained while a call waits.
//
// REQUIRES: one thread at a time per BrokerClient.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <zmq.hpp>

#include "common/keys.h"
#include "common/status.h"
#include "mpp/v1/mpp.pb.h"

namespace mpp {

// Call()'s error when the broker refused this device's key in the handshake
// (StatusCode::kKeyRefused; every other failure is kUnavailable).
bool IsKeyRefused(const Status& status);

class BrokerClient {
 public:
  // `context` must outlive the client. `keys`: this client's CURVE keys; null
  // uses the process-wide ones (UseClientKeys), if any.
  BrokerClient(zmq::context_t* context, std::string endpoint, std::string client_id,
               const ClientKeys* keys = nullptr);
  ~BrokerClient();
  BrokerClient(const BrokerClient&) = delete;
  BrokerClient& operator=(const BrokerClient&) = delete;

  struct Options {
    int timeout_ms = 5000;
    int retry_ms = 1000;
    std::string request_id;  // empty: a fresh one
  };

  // Returns the reply envelope, or an error if the broker did not answer.
  // A reply that carries a refusal (error code != OK) is still a reply.
  StatusOr<v1::Envelope> Call(const v1::Request& request, const Options& options);
  StatusOr<v1::Envelope> Call(const v1::Request& request) { return Call(request, Options()); }

  const std::string& endpoint() const { return endpoint_; }

 private:
  // What the socket monitor saw while a call waited.
  struct Link {
    bool connected = false, handshake_ok = false, refused_key = false, handshake_failed = false;
    bool no_room = false;  // refused for now: the broker is out of file descriptors
  };
  void Reconnect(bool watch);
  void WatchLink();
  void ReadLink(Link* link);
  void StopWatching();
  std::string WhyUnanswered(const Link& link, int timeout_ms) const;

  zmq::context_t* context_;
  std::string endpoint_;
  std::string client_id_;
  std::optional<ClientKeys> keys_;
  std::unique_ptr<zmq::socket_t> socket_;
  // Watches socket_: from its creation until its first call ends, then only
  // while a late reply is awaited.
  std::unique_ptr<zmq::socket_t> monitor_;
};

class NumberWatch;

// Takes `snapshot` into `watch` and, when the broker is behind numbers this
// client saw today (restored from a backup), tells it with `report_numbers`
// (docs/PROTOCOL.md, "Numbering after a restore"); logs what it did.
void ReportNumbersIfBehind(NumberWatch& watch, const v1::Snapshot& snapshot, BrokerClient& client,
                           const BrokerClient::Options& options);

}  // namespace mpp
