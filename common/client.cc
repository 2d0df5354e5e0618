#include "common/client.h"

#include <chrono>

#include "common/keys.h"
#include "common/wire.h"

namespace mpp {

BrokerClient::BrokerClient(zmq::context_t* context, std::string endpoint, std::string client_id,
                           const ClientKeys* keys)
    : context_(context), endpoint_(std::move(endpoint)), client_id_(std::move(client_id)) {
  if (keys) keys_ = *keys;
  Reconnect();
}

void BrokerClient::Reconnect() {
  socket_ = std::make_unique<zmq::socket_t>(*context_, zmq::socket_type::dealer);
  socket_->set(zmq::sockopt::linger, 0);
  if (keys_) {
    socket_->set(zmq::sockopt::curve_serverkey, keys_->broker_public);
    socket_->set(zmq::sockopt::curve_publickey, keys_->own.public_z85);
    socket_->set(zmq::sockopt::curve_secretkey, keys_->own.secret_z85);
  } else {
    ApplyClientKeys(*socket_);
  }
  socket_->connect(endpoint_);
}

StatusOr<v1::Envelope> BrokerClient::Call(const v1::Request& request, const Options& options) {
  v1::Envelope env;
  env.set_request_id(options.request_id.empty() ? NewRequestId() : options.request_id);
  env.set_client_id(client_id_);
  *env.mutable_request() = request;
  const std::string payload = env.SerializeAsString();

  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::milliseconds(options.timeout_ms);
  while (true) {
    // Never block: a DEALER whose broker is gone has no peer, and a blocking
    // send would hang the caller (a kiosk's UI, a display's network thread)
    // forever. Unsent, we wait out the retry interval and try again.
    if (socket_->send(zmq::buffer(kProtocolTag),
                      zmq::send_flags::sndmore | zmq::send_flags::dontwait)) {
      socket_->send(zmq::buffer(payload), zmq::send_flags::none);  // atomic with the first part
    }
    const auto resend_at =
        std::min(deadline, Clock::now() + std::chrono::milliseconds(options.retry_ms));
    while (true) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(resend_at - Clock::now());
      if (left.count() <= 0) break;
      zmq::pollitem_t item{socket_->handle(), 0, ZMQ_POLLIN, 0};
      zmq::poll(&item, 1, left);
      if (!(item.revents & ZMQ_POLLIN)) continue;
      zmq::message_t tag, body;
      if (!socket_->recv(tag, zmq::recv_flags::none)) continue;
      if (!tag.more()) continue;  // malformed: ignore
      (void)socket_->recv(body, zmq::recv_flags::none);
      while (body.more()) {  // drain unexpected extra frames
        zmq::message_t extra;
        (void)socket_->recv(extra, zmq::recv_flags::none);
        body.move(extra);
      }
      v1::Envelope reply;
      if (tag.to_string_view() != kProtocolTag || !reply.ParseFromArray(body.data(), body.size()))
        continue;
      // Replies to earlier requests (late answers) are not ours: skip them.
      if (reply.request_id() != env.request_id()) continue;
      return reply;
    }
    if (Clock::now() >= deadline) break;
  }
  // Drop queued copies so a later call does not deliver this one.
  Reconnect();
  return Status::Error("UNAVAILABLE: the broker at " + endpoint_ + " did not answer within " +
                       std::to_string(options.timeout_ms) +
                       " ms; check that mpp-broker is running and the address is right");
}

}  // namespace mpp
