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

#include <atomic>
#include <cstddef>
#include <string>
#include <thread>
#include <zmq.hpp>

namespace mpp::net {

class PinWorker {
 public:
  static constexpr int kMaxQueued = 16;

  // `context` must outlive the worker. Binds `endpoint` (inproc://...) for the
  // reactor's side and starts the thread. New hashes use these limits.
  PinWorker(zmq::context_t* context, std::string endpoint, unsigned long long opslimit,
            size_t memlimit);
  ~PinWorker();  // stops and joins the thread
  PinWorker(const PinWorker&) = delete;
  PinWorker& operator=(const PinWorker&) = delete;

  // The reactor's end of the pipe (owned by the reactor's thread).
  zmq::socket_t& pipe() { return pipe_; }

 private:
  void Run();

  zmq::context_t* context_;
  std::string endpoint_;
  unsigned long long opslimit_;
  size_t memlimit_;
  zmq::socket_t pipe_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace mpp::net
