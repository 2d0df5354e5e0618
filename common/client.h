// BrokerClient: a request/reply session with the broker over a DEALER socket.
//
// Call() sends a request and waits for its reply. If no reply arrives within
// `retry_ms` it resends the same envelope (same request_id), which the broker
// answers from its stored reply, so a retry never issues a second ticket or
// calls two tickets. After `timeout_ms` it gives up with an UNAVAILABLE error
// that says the broker cannot be reached. It never blocks longer than
// `timeout_ms`, also when the broker is gone and no connection exists. When
// the broker refused the connection itself (CURVE key not registered or
// revoked, or one side without keys), the error says so instead.
//
// REQUIRES: one thread at a time per BrokerClient.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <zmq.hpp>

#include "common/keys.h"
#include "common/status.h"
#include "mpp/v1/mpp.pb.h"

namespace mpp {

class BrokerClient {
 public:
  // `context` must outlive the client. `keys`: this client's CURVE keys; null
  // uses the process-wide ones (UseClientKeys), if any.
  BrokerClient(zmq::context_t* context, std::string endpoint, std::string client_id,
               const ClientKeys* keys = nullptr);

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
  void Reconnect();
  // Why the handshakes since the last Reconnect failed, if any did: from a
  // socket monitor (libzmq's only channel for a refused handshake).
  std::string HandshakeRefusal();

  zmq::context_t* context_;
  std::string endpoint_;
  std::string client_id_;
  std::optional<ClientKeys> keys_;
  std::unique_ptr<zmq::socket_t> socket_;
  std::unique_ptr<zmq::socket_t> monitor_;  // PAIR reading socket_'s handshake failures
  int monitors_ = 0;                        // for unique inproc names
};

// True when `status` (from Call) says the broker refused this device in the
// CURVE handshake - its key is not registered or was revoked, or only one side
// has keys: a set-up matter for an administrator, not a network outage.
// Programs show it as such ("this kiosk is not registered").
bool IsDeviceRefused(const Status& status);

}  // namespace mpp
