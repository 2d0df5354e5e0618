// PinWorker: Argon2id for operator PINs (libsodium crypto_pwhash, ~0.3 s and
// 64 MiB each at the INTERACTIVE limits) on a thread of its own, so that a
// sign-in or a PIN change never stalls the reactor - and with it every kiosk,
// counter and display in the hall - for that long.
//
// The reactor hands a sign_in or set_operator request over an inproc PAIR
// socket as [identity][device key][request Envelope][stored PIN hash]; the
// worker answers [identity][device key][request Envelope][stored PIN hash]
// [verdict "1"/"0"][new hash] (the verdict for sign_in, the new hash for
// set_operator), and the
// reactor applies the request with that result (core::QueueCore::OfferPinWork).
// One job at a time in arrival order; when kMaxQueued wait, the reactor
// answers UNAVAILABLE at once and the client's retry comes back later.
#pragma once

#include <cstddef>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "broker/net/pipe_worker.h"

namespace mpp::net {

class PinWorker : public PipeWorker {
 public:
  static constexpr int kMaxQueued = 16;

  // `context` must outlive the worker. Binds `endpoint` (inproc://...) for the
  // reactor's side and starts the thread. New hashes use these limits.
  PinWorker(zmq::context_t* context, std::string endpoint, unsigned long long opslimit,
            size_t memlimit);
  ~PinWorker() override;  // stops and joins the thread

 private:
  void Serve(zmq::socket_t& sock, std::vector<zmq::message_t>& frames) override;

  unsigned long long opslimit_;
  size_t memlimit_;
};

}  // namespace mpp::net
