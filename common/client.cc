#include "common/client.h"

#include <chrono>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "common/keys.h"
#include "common/wire.h"

namespace mpp {
namespace {
constexpr std::string_view kKeyRefused = "NOT_PERMITTED: the broker at ";
constexpr std::string_view kNoAgreement = "could not agree on encryption";
}  // namespace

bool IsDeviceRefused(const Status& status) {
  const std::string& m = status.message();
  return !status.ok() &&
         (m.rfind(kKeyRefused, 0) == 0 || m.find(kNoAgreement) != std::string::npos);
}

BrokerClient::BrokerClient(zmq::context_t* context, std::string endpoint, std::string client_id,
                           const ClientKeys* keys)
    : context_(context), endpoint_(std::move(endpoint)), client_id_(std::move(client_id)) {
  if (keys) keys_ = *keys;
  Reconnect();
}

void BrokerClient::Reconnect() {
  monitor_.reset();
  socket_ = std::make_unique<zmq::socket_t>(*context_, zmq::socket_type::dealer);
  socket_->set(zmq::sockopt::linger, 0);
  // Handshake failures are reported only through a monitor; without one a
  // refused key looks like a broker that is down.
  const std::string monitor = "inproc://mpp-client-monitor-" +
                              std::to_string(reinterpret_cast<uintptr_t>(this)) + "-" +
                              std::to_string(++monitors_);
  if (zmq_socket_monitor(socket_->handle(), monitor.c_str(),
                         ZMQ_EVENT_HANDSHAKE_FAILED_AUTH | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                             ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL) == 0) {
    monitor_ = std::make_unique<zmq::socket_t>(*context_, zmq::socket_type::pair);
    monitor_->set(zmq::sockopt::linger, 0);
    monitor_->connect(monitor);
  }
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
  const std::string refusal = HandshakeRefusal();
  // Drop queued copies so a later call does not deliver this one.
  Reconnect();
  if (!refusal.empty()) return Status::Error(refusal);
  return Status::Error("UNAVAILABLE: the broker at " + endpoint_ + " did not answer within " +
                       std::to_string(options.timeout_ms) +
                       " ms; check that mpp-broker is running and the address is right");
}

std::string BrokerClient::HandshakeRefusal() {
  if (!monitor_) return "";
  std::string why;
  while (true) {
    // [event id (uint16) + value (uint32)][endpoint]
    zmq::message_t event, address;
    if (!monitor_->recv(event, zmq::recv_flags::dontwait)) break;
    if (event.more()) (void)monitor_->recv(address, zmq::recv_flags::none);
    if (event.size() < 6) continue;
    uint16_t id;
    uint32_t value;
    std::memcpy(&id, event.data(), sizeof id);
    std::memcpy(&value, static_cast<const char*>(event.data()) + 2, sizeof value);
    if (id == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) {
      return std::string(kKeyRefused) + endpoint_ + " refused this device's key (ZAP status " +
             std::to_string(value) +
             "): it is not registered or was revoked. Ask the MPP's administrator to register "
             "its public key: mppctl device add NAME --role ROLE --key device.pub "
             "(docs/SECURITY.md)";
    }
    why = "UNAVAILABLE: the broker at " + endpoint_ + " and this program " +
          std::string(kNoAgreement) +
          ": one of them runs with CURVE keys "
          "and the other does not, or the broker's public key is wrong. Check --keys (a folder "
          "with device.key and broker.pub) against the broker's --keys";
  }
  return why;
}

}  // namespace mpp
