#include "broker/net/zap_handler.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <zmq_addon.hpp>

#include "common/keys.h"
#include "common/wire.h"

namespace mpp::net {

void DeviceRegistry::Put(const v1::Device& device) {
  std::lock_guard<std::mutex> lock(mu_);
  devices_[device.public_key()] = device;
}

std::optional<v1::Device> DeviceRegistry::Find(const std::string& public_key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = devices_.find(public_key);
  if (it == devices_.end()) return std::nullopt;
  return it->second;
}

size_t DeviceRegistry::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return devices_.size();
}

void SecurityTally::Add(const std::string& kind, const std::string& subject,
                        const std::string& detail, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  auto key = std::make_pair(kind, subject);
  if (!notices_.count(key) && notices_.size() >= max_subjects_) key.second = "(others)";
  v1::SecurityNotice& n = notices_[key];
  if (n.count() == 0) {
    n.set_kind(kind);
    n.set_subject(key.second);
    n.set_first_ms(now_ms);
  }
  n.set_count(n.count() + 1);
  n.set_detail(detail);
  n.set_last_ms(now_ms);
}

std::vector<v1::SecurityNotice> SecurityTally::Take() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<v1::SecurityNotice> out;
  for (auto& [key, n] : notices_) out.push_back(std::move(n));
  notices_.clear();
  return out;
}

ZapHandler::ZapHandler(zmq::context_t* context, const DeviceRegistry* registry,
                       SecurityTally* tally, const Clock* clock)
    : context_(context),
      registry_(registry),
      tally_(tally),
      clock_(clock),
      socket_(*context, zmq::socket_type::rep),
      log_window_(std::chrono::steady_clock::now()) {
  socket_.set(zmq::sockopt::linger, 0);
  socket_.bind("inproc://zeromq.zap.01");
  thread_ = std::thread([this] { Run(); });
}

ZapHandler::~ZapHandler() {
  stop_.store(true);
  thread_.join();
}

void ZapHandler::Run() {
  pthread_setname_np(pthread_self(), "mpp-zap");
  while (!stop_.load()) {
    zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
    zmq::poll(&item, 1, std::chrono::milliseconds(100));
    if (!(item.revents & ZMQ_POLLIN)) continue;
    std::vector<zmq::message_t> f;
    if (!zmq::recv_multipart(socket_, std::back_inserter(f))) continue;
    // [version][request id][domain][address][routing id][mechanism][credentials...]
    std::string status = "400", text = "unknown device", user;
    std::string key;
    const std::string address = f.size() > 3 ? f[3].to_string() : "?";
    if (f.size() >= 7 && f[0].to_string_view() == "1.0" && f[5].to_string_view() == "CURVE" &&
        f[6].size() == 32) {
      char z85[41];
      zmq_z85_encode(z85, static_cast<const uint8_t*>(f[6].data()), 32);
      key = z85;
      const auto device = registry_->Find(key);
      if (device && !device->revoked()) {
        status = "200";
        text = "OK";
        user = key;
      } else if (device) {
        text = "revoked device";
      }
    } else {
      text = "CURVE required";
    }
    std::vector<zmq::message_t> reply;
    reply.emplace_back(std::string_view("1.0"));
    reply.emplace_back(f.size() > 1 ? f[1].to_string() : std::string());
    reply.emplace_back(status);
    reply.emplace_back(text);
    reply.emplace_back(user);
    reply.emplace_back(std::string_view(""));
    zmq::send_multipart(socket_, reply);
    if (status == "200") {
      ++accepted_;
      continue;
    }
    ++refused_;
    if (tally_ && clock_) {
      tally_->Add("handshake_refused", key.empty() ? address : key, text + " from " + address,
                  clock_->NowMs());
    }
    // Security log: refused handshakes, at most 20 lines a minute.
    const auto now = std::chrono::steady_clock::now();
    if (now - log_window_ > std::chrono::minutes(1)) {
      if (suppressed_ > 0)
        spdlog::warn("{} more refused handshakes in the last minute", suppressed_);
      log_window_ = now;
      logged_ = 0;
      suppressed_ = 0;
    }
    if (logged_ < 20) {
      ++logged_;
      spdlog::warn("security: refused a connection from {} ({}; key {})", address, text,
                   key.empty() ? "-" : key);
    } else {
      ++suppressed_;
    }
    // Last, so that whoever waits on it (the start-up self-test) finds the
    // refusal already in the log.
    {
      std::lock_guard<std::mutex> lock(mu_);
      last_refused_ = key;
    }
    cv_.notify_all();
  }
}

bool ZapHandler::SelfTest(const std::string& command_endpoint, const std::string& server_public,
                          std::chrono::milliseconds timeout) {
  auto probe_keys = GenerateKeyPair();
  if (!probe_keys.ok()) return false;
  zmq::socket_t probe(*context_, zmq::socket_type::dealer);
  probe.set(zmq::sockopt::linger, 0);
  probe.set(zmq::sockopt::curve_serverkey, server_public);
  probe.set(zmq::sockopt::curve_publickey, probe_keys->public_z85);
  probe.set(zmq::sockopt::curve_secretkey, probe_keys->secret_z85);
  probe.connect(command_endpoint);
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return last_refused_ == probe_keys->public_z85; });
}

}  // namespace mpp::net
