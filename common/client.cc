#include "common/client.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <cstring>

#include "common/keys.h"
#include "common/number_watch.h"
#include "common/wire.h"

namespace mpp {

bool IsKeyRefused(const Status& status) { return status.code() == StatusCode::kKeyRefused; }

BrokerClient::BrokerClient(zmq::context_t* context, std::string endpoint, std::string client_id,
                           const ClientKeys* keys)
    : context_(context), endpoint_(std::move(endpoint)), client_id_(std::move(client_id)) {
  if (keys) keys_ = *keys;
  Reconnect(/*watch=*/true);
}

// The monitor is stopped before its reader goes: an event sent to a reader
// that is gone would block libzmq's I/O thread.
BrokerClient::~BrokerClient() { StopWatching(); }

void BrokerClient::Reconnect(bool watch) {
  StopWatching();
  socket_ = std::make_unique<zmq::socket_t>(*context_, zmq::socket_type::dealer);
  socket_->set(zmq::sockopt::linger, 0);
  if (keys_) {
    socket_->set(zmq::sockopt::curve_serverkey, keys_->broker_public);
    socket_->set(zmq::sockopt::curve_publickey, keys_->own.public_z85);
    socket_->set(zmq::sockopt::curve_secretkey, keys_->own.secret_z85);
  } else {
    ApplyClientKeys(*socket_);
  }
  // Watched from its first connection: a broker that refuses the key says so
  // once, in the first handshake, and the socket then never reconnects.
  if (watch) WatchLink();
  socket_->connect(endpoint_);
}

// A new socket is watched until its first call ends; after that only a call
// whose reply is late is (a monitor costs two more sockets, and a reply within
// milliseconds never needs it).
void BrokerClient::WatchLink() {
  static std::atomic<uint64_t> next{0};
  const std::string address = "inproc://mpp-client-link-" + std::to_string(next++);
  constexpr int kEvents = ZMQ_EVENT_CONNECTED | ZMQ_EVENT_DISCONNECTED |
                          ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH |
                          ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                          ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL;
  if (zmq_socket_monitor(socket_->handle(), address.c_str(), kEvents) != 0) return;
  monitor_ = std::make_unique<zmq::socket_t>(*context_, zmq::socket_type::pair);
  monitor_->set(zmq::sockopt::linger, 0);
  // No limit on the queue: libzmq sends events from its I/O thread with a
  // blocking send, so a full queue would stall every socket of the context.
  // It stays short: drained while a call waits, and stopped when it ends.
  monitor_->set(zmq::sockopt::rcvhwm, 0);
  monitor_->connect(address);
}

// Drains what the monitor queued.
void BrokerClient::ReadLink(Link* link) {
  if (!monitor_) return;
  while (true) {
    zmq::message_t head, address;
    if (!monitor_->recv(head, zmq::recv_flags::dontwait)) return;
    if (head.more()) (void)monitor_->recv(address, zmq::recv_flags::none);
    if (head.size() < sizeof(uint16_t) + sizeof(uint32_t)) continue;
    uint16_t event;
    uint32_t value;  // for a refusal by ZAP: its status code
    std::memcpy(&event, head.data(), sizeof event);
    std::memcpy(&value, static_cast<const char*>(head.data()) + sizeof event, sizeof value);
    switch (event) {
      case ZMQ_EVENT_CONNECTED:
        link->connected = true;
        break;
      case ZMQ_EVENT_HANDSHAKE_SUCCEEDED:
        link->handshake_ok = true;
        break;
      case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
        // 500: the broker has no descriptor to spare (its ZAP handler's only
        // use of 500; broker/net/zap_handler.h).
        if (value == 500) {
          link->no_room = true;
        } else {
          link->refused_key = true;
        }
        break;
      case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
      case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL:
        link->handshake_failed = true;
        break;
      default:
        break;
    }
  }
}

void BrokerClient::StopWatching() {
  if (!monitor_) return;
  zmq_socket_monitor(socket_->handle(), nullptr, 0);
  monitor_.reset();
}

std::string BrokerClient::WhyUnanswered(const Link& link, int timeout_ms) const {
  const std::string head =
      "the broker at " + endpoint_ + " did not answer within " + std::to_string(timeout_ms) + " ms";
  if (link.no_room && !link.handshake_ok) {
    return "UNAVAILABLE: " + head +
           ": it has no room for more connections now (its open-file limit is reached); this "
           "device keeps trying, and the IT officer raises LimitNOFILE (docs/OPERATIONS.md, "
           "\"Open files\")";
  }
  if (link.refused_key) {
    return "PERMISSION_DENIED: " + head +
           ": it refused this device's key (not registered there, or revoked); an admin adds "
           "the device with 'mppctl device add' (docs/SECURITY.md)";
  }
  if (link.handshake_failed && !link.handshake_ok) {
    return "UNAVAILABLE: " + head +
           ": the connection was made but the secure handshake failed; check that broker.pub "
           "in the keys folder is this broker's key, and that both sides use keys (--keys) or "
           "neither does";
  }
  if (link.connected && !link.handshake_ok) {
    return "UNAVAILABLE: " + head +
           ": something accepts connections there but never completed a handshake; check that "
           "the address is mpp-broker's command endpoint and that the broker is not stuck";
  }
  return "UNAVAILABLE: " + head + "; check that mpp-broker is running and the address is right";
}

StatusOr<v1::Envelope> BrokerClient::Call(const v1::Request& request, const Options& options) {
  v1::Envelope env;
  env.set_request_id(options.request_id.empty() ? NewRequestId() : options.request_id);
  env.set_client_id(client_id_);
  *env.mutable_request() = request;
  const std::string payload = env.SerializeAsString();

  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::milliseconds(options.timeout_ms);
  // A reply this late is not the usual round trip: from then on the link is
  // watched, to tell why if none comes.
  const auto watch_at =
      Clock::now() +
      std::chrono::milliseconds(std::min({options.retry_ms, 200, options.timeout_ms / 2}));
  Link link;
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
      if (!monitor_ && Clock::now() >= watch_at) WatchLink();
      const auto slice =
          monitor_ ? left
                   : std::max(std::chrono::milliseconds(1),
                              std::min(left, std::chrono::duration_cast<std::chrono::milliseconds>(
                                                 watch_at - Clock::now())));
      zmq::pollitem_t items[2] = {{socket_->handle(), 0, ZMQ_POLLIN, 0},
                                  {monitor_ ? monitor_->handle() : nullptr, -1, ZMQ_POLLIN, 0}};
      zmq::poll(items, monitor_ ? 2 : 1, slice);
      if (items[1].revents & ZMQ_POLLIN) ReadLink(&link);
      if (!(items[0].revents & ZMQ_POLLIN)) continue;
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
      StopWatching();  // the link works
      return reply;
    }
    if (Clock::now() >= deadline) break;
  }
  ReadLink(&link);
  const std::string why = WhyUnanswered(link, options.timeout_ms);
  // Drop queued copies so a later call does not deliver this one. The new
  // socket is watched from its start unless this one's handshakes kept
  // failing: those repeat every reconnect (~10 a second), so a late reply
  // shows them again without a queue growing while nobody calls.
  Reconnect(/*watch=*/!link.handshake_failed || link.handshake_ok);
  return Status::Error(link.refused_key ? StatusCode::kKeyRefused : StatusCode::kUnavailable, why);
}

void ReportNumbersIfBehind(NumberWatch& watch, const v1::Snapshot& snapshot, BrokerClient& client,
                           const BrokerClient::Options& options) {
  const auto report = watch.Check(snapshot);
  if (!report) return;
  spdlog::warn(
      "the broker's numbering is behind numbers this client saw today ({}); reporting them so "
      "no number is handed out twice",
      report->report_numbers().ShortDebugString());
  auto sent = client.Call(*report, options);
  if (!sent.ok() || sent->reply().error().code() != v1::OK) {
    spdlog::error("numbers not taken by the broker: {}",
                  sent.ok() ? sent->reply().error().message_en() : sent.status().message());
  }
}

}  // namespace mpp
