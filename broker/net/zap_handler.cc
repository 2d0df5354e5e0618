#include "broker/net/zap_handler.h"

#include <dirent.h>
#include <pthread.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <algorithm>
#include <zmq_addon.hpp>

#include "common/keys.h"
#include "common/wire.h"

namespace mpp::net {

void DeviceRegistry::Put(const v1::Device& device) {
  MutexLock lock(&mu_);
  devices_[device.public_key()] = device;
}

std::optional<v1::Device> DeviceRegistry::Find(const std::string& public_key) const {
  MutexLock lock(&mu_);
  auto it = devices_.find(public_key);
  if (it == devices_.end()) return std::nullopt;
  return it->second;
}

std::vector<v1::Device> DeviceRegistry::All() const {
  MutexLock lock(&mu_);
  std::vector<v1::Device> out;
  out.reserve(devices_.size());
  for (const auto& [key, d] : devices_) out.push_back(d);
  return out;
}

size_t DeviceRegistry::size() const {
  MutexLock lock(&mu_);
  return devices_.size();
}

void SecurityTally::Add(const std::string& kind, const std::string& subject,
                        const std::string& detail, int64_t now_ms) {
  MutexLock lock(&mu_);
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
  MutexLock lock(&mu_);
  std::vector<v1::SecurityNotice> out;
  for (auto& [key, n] : notices_) out.push_back(std::move(n));
  notices_.clear();
  return out;
}

long long FdBudget::Reserve(long long limit) { return std::clamp(limit / 8, 24LL, 64LL); }

long long FdBudget::Limit() {
  struct rlimit rl {};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return 0;
  return static_cast<long long>(rl.rlim_cur);
}

long long FdBudget::Count() {
  DIR* dir = opendir("/proc/self/fd");
  if (!dir) return -1;  // EMFILE: not even one left to list them
  long long n = 0;
  while (const dirent* e = readdir(dir)) n += e->d_name[0] != '.';
  closedir(dir);
  return n - 1;  // the listing's own descriptor
}

FdBudget::Room FdBudget::Check() {
  Room r;
  r.limit = Limit();
  if (r.limit == 0) return r;
  r.reserve = Reserve(r.limit);
  const auto now = std::chrono::steady_clock::now();
  const auto age = now - counted_at_;
  if (age >= std::chrono::milliseconds(100) || (short_ && age >= std::chrono::milliseconds(5))) {
    counted_ = Count();
    counted_at_ = now;
    admitted_since_count_ = 0;
  }
  r.in_use = counted_ < 0 ? -1 : counted_ + admitted_since_count_;
  r.room = r.in_use >= 0 && r.in_use < r.limit - r.reserve;
  short_ = !r.room;
  return r;
}

void ZapHandler::NoteNoRoom(bool refused_now) {
  if (refused_now) ++no_room_unlogged_;
  if (no_room_unlogged_ == 0) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - no_room_logged_ < std::chrono::seconds(1)) return;
  no_room_logged_ = now;
  // Counted only here, at most once a second: /proc/self/fd lists them all.
  const long long open = FdBudget::Count(), limit = FdBudget::Limit();
  spdlog::error(
      "no room for new connections: {} of {} file descriptors in use (the last {} are kept for "
      "the broker's own files); {} connections refused in the last second, their devices are "
      "told so and try again. Connected devices are served. Raise LimitNOFILE "
      "(docs/OPERATIONS.md, \"Open files\") and restart",
      open < 0 ? std::string("all") : std::to_string(open), limit, FdBudget::Reserve(limit),
      no_room_unlogged_);
  no_room_unlogged_ = 0;
}

ZapHandler::ZapHandler(zmq::context_t* context, const DeviceRegistry* registry,
                       SecurityTally* tally, const Clock* clock)
    : context_(context),
      registry_(registry),
      tally_(tally),
      clock_(clock),
      socket_(*context, zmq::socket_type::rep),
      log_window_(std::chrono::steady_clock::now()),
      no_room_logged_(std::chrono::steady_clock::now() - std::chrono::seconds(2)) {
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
    if (!(item.revents & ZMQ_POLLIN)) {
      NoteNoRoom(false);  // what is left of the last second
      continue;
    }
    std::vector<zmq::message_t> f;
    if (!zmq::recv_multipart(socket_, std::back_inserter(f))) continue;
    const Verdict v = Decide(f);
    std::vector<zmq::message_t> reply;
    reply.emplace_back(std::string_view("1.0"));
    reply.emplace_back(f.size() > 1 ? f[1].to_string() : std::string());
    reply.emplace_back(v.status);
    reply.emplace_back(v.text);
    reply.emplace_back(v.status == "200" ? v.key : std::string());  // the User-Id
    reply.emplace_back(std::string_view(""));
    zmq::send_multipart(socket_, reply);
    if (v.status == "200") {
      fds_.Admitted();
      ++accepted_;
    } else if (v.status == "500") {
      ++refused_no_room_;
      NoteNoRoom(true);
    } else {
      NoteRefused(v, f.size() > 3 ? f[3].to_string() : "?");
    }
  }
}

// [version][request id][domain][address][routing id][mechanism][credentials...]
ZapHandler::Verdict ZapHandler::Decide(const std::vector<zmq::message_t>& f) {
  Verdict v;
  if (!fds_.Check().room) {
    // 500, not 300 ("try again later"): a 300 is not told to the client
    // (libzmq closes silently, RFC 26) and the client's libzmq reconnects
    // at once, ten times a second, keeping every descriptor busy with
    // handshakes. A 500 is an ERROR the client sees (the monitor's
    // HANDSHAKE_FAILED_AUTH, value 500); its socket then stops, and our
    // clients make a new one at their own pace (common/client.cc).
    return {"500", "no room: the broker is out of file descriptors", ""};
  }
  const bool zap = f.size() >= 6 && f[0].to_string_view() == "1.0";
  if (!registry_ && zap && f[5].to_string_view() == "NULL") {
    return {"200", "OK", ""};  // a broker without keys lets everyone in
  }
  if (registry_ && zap && f.size() >= 7 && f[5].to_string_view() == "CURVE" && f[6].size() == 32) {
    char z85[41];
    zmq_z85_encode(z85, static_cast<const uint8_t*>(f[6].data()), 32);
    const auto device = registry_->Find(z85);
    if (device && !device->revoked()) return {"200", "OK", z85};
    return {"400", device ? "revoked device" : "unknown device", z85};
  }
  return {"400", registry_ ? "CURVE required" : "a NULL-mechanism handshake expected", ""};
}

void ZapHandler::NoteRefused(const Verdict& v, const std::string& address) {
  ++refused_;
  if (tally_ && clock_) {
    tally_->Add("handshake_refused", v.key.empty() ? address : v.key, v.text + " from " + address,
                clock_->NowMs());
  }
  // Security log: refused handshakes, at most 20 lines a minute.
  const auto now = std::chrono::steady_clock::now();
  if (now - log_window_ > std::chrono::minutes(1)) {
    if (suppressed_ > 0) spdlog::warn("{} more refused handshakes in the last minute", suppressed_);
    log_window_ = now;
    logged_ = 0;
    suppressed_ = 0;
  }
  if (logged_ < 20) {
    ++logged_;
    spdlog::warn("security: refused a connection from {} ({}; key {})", address, v.text,
                 v.key.empty() ? "-" : v.key);
  } else {
    ++suppressed_;
  }
  // Last, so that whoever waits on it (the start-up self-test) finds the
  // refusal already in the log.
  {
    MutexLock lock(&mu_);
    last_refused_ = v.key;
  }
  cv_.SignalAll();
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
  const auto until = std::chrono::steady_clock::now() + timeout;
  MutexLock lock(&mu_);
  while (last_refused_ != probe_keys->public_z85) {
    if (!cv_.WaitUntil(&mu_, until)) return last_refused_ == probe_keys->public_z85;
  }
  return true;
}

}  // namespace mpp::net
