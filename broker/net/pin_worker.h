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
// One job at a time in arrival order per worker; PinPool runs one worker per
// core so that a hall signing in at opening time is checked in parallel.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "broker/net/pipe_worker.h"

namespace mpp::net {

class PinWorker : public PipeWorker {
 public:
  // Jobs waiting per worker before Offer says busy. The reactor lets each
  // device have one sign-in in flight, so this bounds nothing a hall needs.
  static constexpr int kMaxQueued = 128;

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

// PIN workers, one per core (at most kMaxWorkers: each check takes 64 MiB
// while it runs). A job goes to the worker with the fewest jobs out.
class PinPool {
 public:
  static constexpr int kMaxWorkers = 4;
  PinPool(zmq::context_t* context, const std::string& endpoint_prefix, int workers,
          unsigned long long opslimit, size_t memlimit);

  int size() const { return static_cast<int>(workers_.size()); }
  PinWorker& worker(int i) { return *workers_[i]; }
  // Hands a job to the least busy worker; false when all are full.
  bool Offer(const zmq::message_t& identity, std::initializer_list<std::string_view> parts);
  // Called for each answer taken from worker(i)'s pipe.
  void Answered(int i) { --out_[i]; }
  int jobs_out() const;

 private:
  std::vector<std::unique_ptr<PinWorker>> workers_;
  std::vector<int> out_;
};

}  // namespace mpp::net
