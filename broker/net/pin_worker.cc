#include "broker/net/pin_worker.h"

#include <sodium.h>

#include <algorithm>

#include "broker/core/pin_hash.h"
#include "mpp/v1/mpp.pb.h"

namespace mpp::net {

PinWorker::PinWorker(zmq::context_t* context, std::string endpoint, unsigned long long opslimit,
                     size_t memlimit)
    : PipeWorker(context, std::move(endpoint), kMaxQueued),
      opslimit_(opslimit),
      memlimit_(memlimit) {
  Start("mpp-pins");
}

PinWorker::~PinWorker() { Stop(); }

void PinWorker::Serve(zmq::socket_t& sock, std::vector<zmq::message_t>& frames) {
  if (frames.size() != 4) return;  // only the reactor writes here
  v1::Envelope in;
  in.ParseFromArray(frames[2].data(), static_cast<int>(frames[2].size()));
  bool verified = false;
  std::string new_hash;
  if (in.request().has_sign_in()) {
    const std::string& pin = in.request().sign_in().pin();
    const std::string hash = frames[3].to_string();
    verified = crypto_pwhash_str_verify(hash.c_str(), pin.data(), pin.size()) == 0;
  } else if (in.request().has_set_operator()) {
    // Empty when libsodium cannot: the core refuses the PIN and says so.
    new_hash = core::HashPin(in.request().set_operator().pin(), opslimit_, memlimit_);
  }
  sock.send(frames[0], zmq::send_flags::sndmore);
  sock.send(frames[1], zmq::send_flags::sndmore);
  sock.send(frames[2], zmq::send_flags::sndmore);
  sock.send(frames[3], zmq::send_flags::sndmore);
  sock.send(zmq::buffer(std::string(verified ? "1" : "0")), zmq::send_flags::sndmore);
  sock.send(zmq::buffer(new_hash), zmq::send_flags::none);
}

PinPool::PinPool(zmq::context_t* context, const std::string& endpoint_prefix, int workers,
                 unsigned long long opslimit, size_t memlimit) {
  workers = std::clamp(workers, 1, kMaxWorkers);
  for (int i = 0; i < workers; ++i) {
    workers_.push_back(std::make_unique<PinWorker>(
        context, endpoint_prefix + "-" + std::to_string(i), opslimit, memlimit));
    out_.push_back(0);
  }
}

bool PinPool::Offer(const zmq::message_t& identity, std::initializer_list<std::string_view> parts) {
  int best = 0;
  for (int i = 1; i < size(); ++i) {
    if (out_[i] < out_[best]) best = i;
  }
  if (!workers_[best]->Offer(identity, parts)) return false;
  ++out_[best];
  return true;
}

int PinPool::jobs_out() const {
  int n = 0;
  for (int v : out_) n += v;
  return n;
}

}  // namespace mpp::net
