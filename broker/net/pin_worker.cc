#include "broker/net/pin_worker.h"

#include <sodium.h>

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
    const std::string& pin = in.request().set_operator().pin();
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(hash, pin.data(), pin.size(), opslimit_, memlimit_) == 0) {
      new_hash = hash;  // else empty: the reactor's Apply tries again and reports it
    }
  }
  sock.send(frames[0], zmq::send_flags::sndmore);
  sock.send(frames[1], zmq::send_flags::sndmore);
  sock.send(frames[2], zmq::send_flags::sndmore);
  sock.send(frames[3], zmq::send_flags::sndmore);
  sock.send(zmq::buffer(std::string(verified ? "1" : "0")), zmq::send_flags::sndmore);
  sock.send(zmq::buffer(new_hash), zmq::send_flags::none);
}

}  // namespace mpp::net
