#include "broker/net/reactor.h"

#include <malloc.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/statvfs.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <thread>
#include <zmq_addon.hpp>

#include "broker/core/audience.h"
#include "broker/core/authorize.h"
#include "broker/core/catalog_change.h"
#include "broker/core/digest.h"
#include "broker/net/message_check.h"
#include "common/wire.h"

namespace mpp::net {
namespace {

constexpr int kLogBudget = 20;  // bad-input log lines per 10 s

// A failed handshake as a socket monitor reports it, in words; empty for a
// refusal by ZAP (the ZAP handler logs those with the key).
std::string WhyHandshakeFailed(uint16_t event, uint32_t value) {
  if (event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) return "";
  if (event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL &&
      value == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH) {
    return "a client without CURVE keys (keys on one side only)";
  }
  if (event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL &&
      value == ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC) {
    return "a client with the wrong broker.pub (its hello could not be decrypted)";
  }
  if (event == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL) {
    // The peer hung up mid-handshake: most often a client without keys (it
    // gives up on the CURVE greeting), sometimes a port scanner.
    return std::string("a handshake broken off (") + std::strerror(static_cast<int>(value)) +
           "), most often a client without CURVE keys";
  }
  return "a broken secure handshake (ZMTP error " + std::to_string(value) + ")";
}

}  // namespace

StatusOr<std::string> DeriveEventEndpoint(const std::string& command_endpoint) {
  const auto colon = command_endpoint.rfind(':');
  if (command_endpoint.rfind("tcp://", 0) != 0 || colon == std::string::npos || colon < 6) {
    return Status::Error("endpoint '" + command_endpoint +
                         "' is not of the form tcp://HOST:PORT; give --events explicitly");
  }
  const std::string port = command_endpoint.substr(colon + 1);
  if (port == "*" || port == "0") return command_endpoint.substr(0, colon) + ":*";
  char* end = nullptr;
  const long p = std::strtol(port.c_str(), &end, 10);
  if (*end != '\0' || p <= 0 || p >= 65535) {
    return Status::Error("endpoint '" + command_endpoint + "' has no valid port");
  }
  return command_endpoint.substr(0, colon) + ":" + std::to_string(p + 1);
}

Reactor::Reactor(zmq::context_t* context, const CatalogIndex* catalog, core::QueueCore* core,
                 store::Store* store, const Clock* clock, ReactorOptions options)
    : context_(context),
      catalog_(catalog),
      core_(core),
      store_(store),
      clock_(clock),
      options_(std::move(options)),
      router_(*context_, zmq::socket_type::router),
      pub_(*context_, zmq::socket_type::xpub),
      started_(std::chrono::steady_clock::now()),
      log_window_(started_) {}

Status Reactor::Bind() {
  std::string events = options_.event_endpoint;
  if (events.empty()) {
    auto derived = DeriveEventEndpoint(options_.command_endpoint);
    if (!derived.ok()) return derived.status();
    events = derived.value();
  }
  try {
    for (zmq::socket_t* s : {&router_, &pub_}) {
      if (Status st = Secure(*s); !st.ok()) return st;
    }
    router_.set(zmq::sockopt::linger, 0);
    router_.set(zmq::sockopt::router_mandatory, 1);
    router_.set(zmq::sockopt::maxmsgsize, static_cast<int64_t>(kMaxMessageBytes));
    router_.set(zmq::sockopt::sndhwm, kReplyQueue);
    router_.set(zmq::sockopt::rcvhwm, 10000);
    SetPubOptions(pub_);
    router_.bind(options_.command_endpoint);
    bound_command_ = router_.get(zmq::sockopt::last_endpoint);
    pub_.bind(events);
    bound_event_ = pub_.get(zmq::sockopt::last_endpoint);
    // Failed handshakes (with keys) and failed accepts (out of file
    // descriptors) are seen only by a socket monitor.
    Monitor(router_, &command_monitor_);
    Monitor(pub_, &event_monitor_);
    const int pin_threads = options_.pin_threads > 0
                                ? options_.pin_threads
                                : static_cast<int>(std::thread::hardware_concurrency());
    pins_ = std::make_unique<PinPool>(
        context_, "inproc://mpp-pins-" + std::to_string(reinterpret_cast<uintptr_t>(this)),
        pin_threads, options_.pin_opslimit, options_.pin_memlimit);
    if (!options_.db_path.empty()) {
      reports_ = std::make_unique<ReportWorker>(
          context_, catalog_, options_.db_path,
          "inproc://mpp-reports-" + std::to_string(reinterpret_cast<uintptr_t>(this)));
    }
  } catch (const zmq::error_t& e) {
    return Status::Error(std::string("cannot bind ") + options_.command_endpoint + " / " + events +
                         ": " + e.what() + " (is another broker running on that port?)");
  }
  return Status::Ok();
}

Status Reactor::Secure(zmq::socket_t& s) const {
  // Without keys the domain is set too: the ZAP handler refuses connections
  // while the broker is short of file descriptors (zap_handler.h). Without a
  // handler (a reactor in a unit test), NULL handshakes go on without ZAP.
  s.set(zmq::sockopt::zap_domain, "mpp");
  if (!options_.devices) return Status::Ok();
  // Ironhouse: CURVE, ZAP domain set, and option 93 (ZMQ_ZAP_ENFORCE_DOMAIN,
  // a draft name in 4.3.4) so that a missing ZAP handler refuses instead of
  // letting everyone in.
  constexpr int kZapEnforceDomain = 93;
  const int on = 1;
  s.set(zmq::sockopt::zap_domain, "mpp");
  if (zmq_setsockopt(s.handle(), kZapEnforceDomain, &on, sizeof on) != 0) {
    return Status::Error(
        "this libzmq does not support ZMQ_ZAP_ENFORCE_DOMAIN (93); "
        "refusing to run with keys that could fail open");
  }
  s.set(zmq::sockopt::curve_server, true);
  s.set(zmq::sockopt::curve_secretkey, options_.curve_secret_key);
  return Status::Ok();
}

void Reactor::SetPubOptions(zmq::socket_t& s) {
  s.set(zmq::sockopt::linger, 0);
  s.set(zmq::sockopt::sndhwm, 100000);
  // Subscriptions come to the reactor (AcceptSubscriptions), which grants each
  // subscriber only the topics of its audience, whatever it asked for.
  s.set(zmq::sockopt::xpub_manual, 1);
}

void Reactor::Monitor(zmq::socket_t& s, std::unique_ptr<zmq::socket_t>* reader) {
  // Handshakes that fail before ZAP is asked (a client without keys, or with
  // the wrong broker.pub) are seen only by a socket monitor. libzmq's I/O
  // thread sends monitor events with a blocking send: the reader's queue has
  // no limit, it is drained every second, and it is closed only after the
  // monitor is stopped.
  if (*reader) {
    (*reader)->close();
    reader->reset();
  }
  const std::string endpoint = "inproc://mpp-monitor-" +
                               std::to_string(reinterpret_cast<uintptr_t>(this)) + "-" +
                               std::to_string(++monitors_made_);
  if (zmq_socket_monitor(s.handle(), endpoint.c_str(),
                         ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL |
                             ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH |
                             ZMQ_EVENT_ACCEPT_FAILED) != 0) {
    spdlog::warn("security: cannot watch handshakes: {}", zmq_strerror(zmq_errno()));
    return;
  }
  auto r = std::make_unique<zmq::socket_t>(*context_, zmq::socket_type::pair);
  r->set(zmq::sockopt::rcvhwm, 0);
  r->set(zmq::sockopt::linger, 0);
  r->connect(endpoint);
  *reader = std::move(r);
}

void Reactor::NoteFailedHandshakes(Millis now) {
  std::map<std::pair<std::string, std::string>, int> counts;
  std::map<std::string, std::map<int, int>> accept_failures;  // port -> errno -> count
  for (auto [reader, port] :
       {std::pair{command_monitor_.get(), "command"}, std::pair{event_monitor_.get(), "event"}}) {
    if (!reader) continue;
    for (;;) {
      std::vector<zmq::message_t> frames;
      if (!zmq::recv_multipart(*reader, std::back_inserter(frames), zmq::recv_flags::dontwait)) {
        break;
      }
      if (frames.empty() || frames[0].size() < 6) continue;
      uint16_t event;
      uint32_t value;
      std::memcpy(&event, frames[0].data(), 2);
      std::memcpy(&value, static_cast<const char*>(frames[0].data()) + 2, 4);
      if (event == ZMQ_EVENT_ACCEPT_FAILED) {
        accept_failures[port][static_cast<int>(value)]++;
      } else if (const std::string why = WhyHandshakeFailed(event, value); !why.empty()) {
        ++counts[{port, why}];
      }
    }
  }
  for (const auto& [port, by_errno] : accept_failures) {
    for (const auto& [err, n] : by_errno) {
      // libzmq retries a failed accept at once: the count is of tries, not of devices.
      if (err == EMFILE || err == ENFILE) {
        struct rlimit rl {};
        getrlimit(RLIMIT_NOFILE, &rl);
        spdlog::error(
            "cannot accept new connections on the {} port: out of file descriptors (limit {}; "
            "{} tries in the last second). Devices that connect now are not served: raise "
            "LimitNOFILE (docs/OPERATIONS.md, \"Open files\") and restart",
            port, static_cast<long long>(rl.rlim_cur), n);
      } else if (LogAllowed()) {
        spdlog::warn("cannot accept a connection on the {} port: {} ({} tries)", port,
                     std::strerror(err), n);
      }
    }
  }
  for (const auto& [key, n] : counts) {
    const std::string detail =
        std::to_string(n) + " failed on the " + key.first + " port: " + key.second;
    if (LogAllowed()) spdlog::warn("security: secure handshakes: {}", detail);
    if (options_.security)
      options_.security->Add("handshake_failed", key.first + " port", detail, now);
  }
}

void Reactor::AcceptSubscriptions() {
  for (;;) {
    zmq::message_t m;
    try {
      if (!pub_.recv(m, zmq::recv_flags::dontwait)) return;
    } catch (const zmq::error_t&) {
      return;
    }
    if (m.size() < 1) continue;
    const bool subscribe = static_cast<const char*>(m.data())[0] == 1;
    const std::string_view asked(static_cast<const char*>(m.data()) + 1, m.size() - 1);
    // Without keys everyone is trusted with everything (a loopback broker).
    core::Audience audience = core::Audience::kAdmin;
    std::vector<std::string> zones;  // a display's, when bound to zones
    if (options_.devices) {
      audience = core::Audience::kPublic;
      try {
        if (const auto device = options_.devices->Find(m.gets("User-Id"))) {
          audience = core::AudienceOf(device->role());
          if (device->role() == v1::ROLE_DISPLAY) {
            zones.assign(device->zones().begin(), device->zones().end());
          }
        }
      } catch (const zmq::error_t&) {
      }
    }
    std::vector<std::string> allowed = core::EventTopicsFor(audience, zones);
    allowed.emplace_back(kTopicHeartbeat);
    for (const std::string& topic : allowed) {
      // A subscription to a prefix of an allowed topic gets the topic; one to
      // something narrower within it gets what it asked for.
      std::string grant;
      if (topic.compare(0, asked.size(), asked) == 0) {
        grant = topic;
      } else if (asked.compare(0, topic.size(), topic) == 0) {
        grant = std::string(asked);
      } else {
        continue;
      }
      // Applies to the subscriber whose message was received last.
      if (subscribe) {
        pub_.set(zmq::sockopt::subscribe, grant);
        granted_.insert(topic);
      } else {
        pub_.set(zmq::sockopt::unsubscribe, grant);
      }
    }
  }
}

void Reactor::RebindEvents() {
  // libzmq cannot drop one peer of a PUB socket, so a revoked display would
  // go on hearing the hall until it reconnected. A fresh socket on the same
  // endpoint makes every subscriber reconnect and pass ZAP again, which
  // refuses the revoked key; the others see a gap in seq (or a silent
  // heartbeat) and take a snapshot, as after any reconnect.
  zmq::socket_t fresh(*context_, zmq::socket_type::xpub);
  if (Status st = Secure(fresh); !st.ok()) {
    spdlog::error("security: cannot renew the event socket: {}", st.message());
    return;
  }
  SetPubOptions(fresh);
  pub_.close();
  // The old listener is closed by libzmq's I/O thread, a moment later: the
  // port may still be taken for the first few tries.
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + std::chrono::seconds(2);
  while (true) {
    try {
      fresh.bind(bound_event_);
      break;
    } catch (const zmq::error_t& e) {
      if (e.num() != EADDRINUSE || std::chrono::steady_clock::now() > deadline) {
        spdlog::error("security: cannot bind the renewed event socket {}: {}", bound_event_,
                      e.what());
        break;  // events go nowhere until a restart; commands still work
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  pub_ = std::move(fresh);
  granted_.clear();
  Monitor(pub_, &event_monitor_);
  ++counters_.event_rebinds;
  spdlog::warn(
      "security: a device was revoked; the event socket was renewed in {} ms so every "
      "subscriber authenticates again",
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                            start)
          .count());
}

bool Reactor::Quarantined(const std::string& peer) {
  auto it = bad_peers_.find(peer);
  if (it == bad_peers_.end()) return false;
  const auto now = std::chrono::steady_clock::now();
  if (now - it->second.window > std::chrono::seconds(1)) {
    bad_peers_.erase(it);
    return false;
  }
  return it->second.count >= kBadPerSecond;
}

void Reactor::CountBad(const std::string& peer) {
  if (bad_peers_.size() > 4096) bad_peers_.clear();  // many peers: start over, never grow
  const auto now = std::chrono::steady_clock::now();
  BadPeer& b = bad_peers_[peer];
  if (b.count == 0 || now - b.window > std::chrono::seconds(1)) {
    b.window = now;
    b.count = 0;
  }
  if (++b.count == kBadPerSecond) {
    ++counters_.quarantines;
    // Its own limit (one line a second), apart from the bad-input lines it follows.
    if (now - last_quarantine_log_ >= std::chrono::seconds(1)) {
      last_quarantine_log_ = now;
      spdlog::warn(
          "security: a connection sent {} bad messages (or reads past its budget) within a "
          "second; ignoring it for the rest of that second",
          kBadPerSecond);
    }
  }
}

bool Reactor::LogAllowed() {
  const auto now = std::chrono::steady_clock::now();
  if (now - log_window_ > std::chrono::seconds(10)) {
    if (log_suppressed_ > 0) {
      spdlog::warn("{} more log lines about bad input or refusals suppressed in the last 10 s",
                   log_suppressed_);
    }
    log_window_ = now;
    log_budget_used_ = 0;
    log_suppressed_ = 0;
  }
  if (log_budget_used_ < kLogBudget) {
    ++log_budget_used_;
    return true;
  }
  ++log_suppressed_;
  return false;
}

std::string Reactor::ErrorEnvelope(const std::string& request_id, v1::ErrorCode code,
                                   const std::string& id, const std::string& en, Millis now) const {
  v1::Envelope env;
  env.set_request_id(ValidId(request_id) ? request_id : "");
  env.set_seq(core_->seq());
  env.set_time_ms(now);
  *env.mutable_reply() = core::ErrorReply(code, id, en);
  return env.SerializeAsString();
}

void Reactor::NoteSeen(const std::string& device_name, zmq::message_t& frame, Millis now) {
  Seen& s = seen_[device_name];
  // The address only when it may have changed (first word, or a silence long
  // enough for a reconnect): not a metadata lookup and a copy per message.
  const bool refresh = s.address.empty() || now - s.at > 1000;
  s.at = now;
  if (!refresh) return;
  try {
    if (const char* a = frame.gets("Peer-Address")) s.address = a;
  } catch (const zmq::error_t&) {  // no such property (inproc, tests)
  }
}

v1::Status Reactor::MakeStatus(Millis now, bool list_silent) const {
  v1::Status s;
  s.set_seq(core_->seq());
  s.set_uptime_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - started_)
                      .count());
  const auto cutoff = std::chrono::steady_clock::now() - std::chrono::minutes(1);
  int clients = 0;
  for (const auto& [id, seen] : clients_seen_) clients += seen >= cutoff ? 1 : 0;
  s.set_clients(clients);
  s.set_db_bytes(store_->FileBytes());
  s.set_business_day(core_->business_day());
  s.set_tickets_today(core_->tickets_today());
  s.set_waiting(core_->waiting_count());
  s.set_version(MPP_VERSION_STRING);
  s.set_now_ms(now);
  s.set_command_endpoint(bound_command_);
  s.set_event_endpoint(bound_event_);
  s.set_clock_scale(clock_->scale());
  s.set_disk_free_bytes(disk_free_);
  s.set_disk_low(disk_low_);
  s.set_writes_refused(disk_full_);
  if (options_.refused_no_room) s.set_connections_refused_no_room(options_.refused_no_room());
  s.set_silent_after_s(options_.silent_after_s);
  if (options_.devices && list_silent) {
    const Millis silent_ms = static_cast<Millis>(options_.silent_after_s) * 1000;
    const bool up_long_enough = s.uptime_ms() > silent_ms;
    for (const auto& d : options_.devices->All()) {
      if (d.revoked()) continue;
      const auto it = seen_.find(d.name());
      const bool silent = it == seen_.end() ? up_long_enough : now - it->second.at > silent_ms;
      if (!silent) continue;
      v1::Presence* p = s.add_silent_devices();
      p->set_name(d.name());
      p->set_role(d.role());
      if (it != seen_.end()) {
        p->set_last_seen_ms(it->second.at);
        p->set_last_address(it->second.address);
      }
    }
  }
  if (options_.checkpointer) {
    s.set_wal_frames_behind(options_.checkpointer->frames_behind());
    s.set_checkpoint_behind_ms(options_.checkpointer->behind_for().count());
  }
  s.set_open_file_limit(FdBudget::Limit());
  return s;
}

void Reactor::Refuse(Pending p, const std::string& request_id, v1::ErrorCode code,
                     const std::string& id, const std::string& en, std::vector<Pending>* replies,
                     Millis now) const {
  p.reply = ErrorEnvelope(request_id, code, id, en, now);
  replies->push_back(std::move(p));
}

// One message, in steps: the door (quarantine, bad input), who sent it, then
// a command (changes state, stored reply, may go to a PIN thread) or a read.
void Reactor::HandleMessage(std::vector<zmq::message_t>& frames, std::vector<Pending>* replies,
                            std::vector<v1::Envelope>* events, bool* began, Millis now,
                            const Resumed* resumed) {
  // A connection that sent too much bad input this second is not read any
  // further until the next: no parse, no reply (a flood costs the honest
  // clients almost nothing).
  const std::string peer(static_cast<const char*>(frames[0].data()), frames[0].size());
  if (!resumed && Quarantined(peer)) {
    ++counters_.dropped_bad;
    return;
  }
  Pending p;
  p.identity = std::move(frames[0]);
  v1::Envelope in;
  if (const auto bad =
          CheckMessage(frames.size() - 1, frames.size() > 1 ? frames[1].to_string_view() : "",
                       frames.size() > 2 ? frames[2].to_string_view() : "", &in)) {
    if (bad->garbage) CountBad(peer);
    if (LogAllowed()) spdlog::warn("{}", bad->log);
    Refuse(std::move(p), bad->request_id, bad->code, bad->message_id, bad->message_en, replies,
           now);
    return;
  }
  clients_seen_[in.client_id()] = std::chrono::steady_clock::now();
  Caller who;
  if (auto refusal = Identify(frames[1], resumed, now, &in, &who)) {
    Refuse(std::move(p), in.request_id(), v1::NOT_PERMITTED, refusal->message_id,
           refusal->message_en, replies, now);
    return;
  }
  if (core::IsMutating(in.request())) {
    HandleCommand(std::move(p), in, who, replies, events, began, now, resumed);
  } else {
    HandleRead(std::move(p), peer, in, who, replies, now);
  }
}

// The device is the connection's CURVE key (ZAP User-Id), never a field of
// the payload. The registry is read per message (and again when a request
// comes back from the PIN thread), so a revocation cuts commands off at once.
std::optional<core::Refusal> Reactor::Identify(zmq::message_t& frame, const Resumed* resumed,
                                               Millis now, v1::Envelope* in, Caller* who) {
  who->name = in->client_id();
  if (!options_.devices) return std::nullopt;  // without keys: everyone is an admin
  if (resumed) {
    who->user = resumed->user;
  } else if (options_.user_id_of) {
    who->user = options_.user_id_of(frame);
  } else {
    try {
      who->user = frame.gets("User-Id");
    } catch (const zmq::error_t&) {
    }
  }
  const v1::Request& req = in->request();
  const auto device = who->user ? options_.devices->Find(*who->user) : std::nullopt;
  std::optional<core::Refusal> refusal =
      device ? core::Authorize(*device, req, *core_)
             : core::Refusal{"Perangkat tidak terdaftar.",
                             "This device is not registered; an administrator adds it with "
                             "`mppctl device add`."};
  if (refusal) {
    const std::string name = device ? device->name() : "?";
    if (LogAllowed()) {
      spdlog::warn("security: refused {} from device {} ({})",
                   req.GetDescriptor()->oneof_decl(0)->name(), name, refusal->message_en);
    }
    ++counters_.refused_commands;
    if (options_.security) {
      options_.security->Add("command_refused", device ? device->name() : who->user.value_or("-"),
                             refusal->message_en, now);
    }
    return refusal;
  }
  if (!resumed) NoteSeen(device->name(), frame, now);
  who->sees_devices = device->role() == v1::ROLE_ADMIN || device->role() == v1::ROLE_MANAGER;
  // Who issued a ticket, and who granted its priority, come from the
  // authenticated device, never from the payload.
  core::StampIssuer(*device, in->mutable_request());
  who->name = device->name();
  who->audience = core::AudienceOf(device->role());
  return std::nullopt;
}

void Reactor::HandleCommand(Pending p, const v1::Envelope& in, const Caller& who,
                            std::vector<Pending>* replies, std::vector<v1::Envelope>* events,
                            bool* began, Millis now, const Resumed* resumed) {
  const v1::Request& req = in.request();
  if (in.request_id().empty()) {
    Refuse(std::move(p), "", v1::INVALID_ARGUMENT, "request_id wajib diisi.",
           "Commands that change state need a request_id (for safe retries).", replies, now);
    return;
  }
  // Stored replies belong to the device (its key, with keys) and its client
  // id, and answer only the command they were made for.
  const std::string reply_client = ReplyClient(who.user, in.client_id());
  const std::string digest = core::Digest(req, 16);  // what the stored reply answers
  if (const std::string* stored = store_->FindReply(reply_client, in.request_id())) {
    if (store_->SameRequest(reply_client, in.request_id(), digest)) {
      p.reply = *stored;  // a retry: same answer, applied once
      replies->push_back(std::move(p));
      return;
    }
    if (LogAllowed()) {
      spdlog::warn("refused {} from {}: request_id {} was used before for another command",
                   req.GetDescriptor()->oneof_decl(0)->name(), in.client_id(), in.request_id());
    }
    Refuse(std::move(p), in.request_id(), v1::INVALID_ARGUMENT,
           "request_id ini sudah dipakai untuk perintah lain; setiap perintah baru memerlukan "
           "request_id baru.",
           "This request_id was already used for another command; a new command needs a new "
           "request_id (a retry must resend the same command).",
           replies, now);
    return;
  }
  if (disk_full_) {
    p.reply = DiskFullEnvelope(in.request_id(), now);
    replies->push_back(std::move(p));
    return;
  }
  if (!resumed && pins_ && SentToPinThread(p, in, who, replies, now)) return;
  if (resumed) {
    core_->OfferPinWork(resumed->work);
  } else if (!pins_ && req.has_set_operator() && !req.set_operator().pin().empty()) {
    // No PIN threads (HandleOne: the fuzzer): the new hash is made here.
    const std::string& pin = req.set_operator().pin();
    core_->OfferPinWork(
        {pin, "", false, core::HashPin(pin, options_.pin_opslimit, options_.pin_memlimit)});
  }
  ApplyCommand(std::move(p), in, who.name, reply_client, digest, replies, events, began, now);
}

bool Reactor::SentToPinThread(Pending& p, const v1::Envelope& in, const Caller& who,
                              std::vector<Pending>* replies, Millis now) {
  const v1::Request& req = in.request();
  const std::string job_key = PinJobKey(who.user, in);
  if (auto job = pin_jobs_.find(job_key); job != pin_jobs_.end()) {
    // A retry of a command still waiting for a PIN thread: answered once,
    // where the latest retry came from.
    job->second.identity = std::move(p.identity);
    ++counters_.pin_retries_absorbed;
    return true;
  }
  if (!NeedsPinWork(req, who.name, now)) return false;
  // One sign-in in flight per device and counter: a workstation's resends
  // never queue up, an admin device may sign in many counters.
  if (req.has_sign_in() &&
      pin_callers_.count(who.name + '#' + std::to_string(req.sign_in().counter_id()))) {
    Refuse(std::move(p), in.request_id(), v1::UNAVAILABLE,
           "PIN sebelumnya untuk loket ini masih diperiksa; tunggu sebentar.",
           "A sign-in at this counter from this device is still being checked; wait for its "
           "answer.",
           replies, now);
    return true;
  }
  HandToPinThread(std::move(p.identity), who.user.value_or(""), job_key, who.name, in, replies,
                  now);
  return true;
}

void Reactor::ApplyCommand(Pending p, const v1::Envelope& in, const std::string& caller,
                           const std::string& reply_client, const std::string& digest,
                           std::vector<Pending>* replies, std::vector<v1::Envelope>* events,
                           bool* began, Millis now) {
  const v1::Request& req = in.request();
  const Millis held_before = core_->sign_in_guard().HeldUntil(caller, now);
  // A new ticket's token is random, so it is made here and handed to the
  // core (which stays a function of its inputs), after the retry check: a
  // retry gets the stored reply with the first token.
  if (req.has_issue() || req.has_check_in() || req.has_book()) {
    core_->OfferTokenRandom(token_source_.Next());  // a booking's code is made from it too
  }
  core::Outcome o =
      req.has_reload_catalog() ? ReloadCatalogFile(now) : core_->Apply(req, now, caller);
  if (req.has_sign_in()) NoteSignIn(req.sign_in(), o, caller, held_before, now);
  for (const auto& e : o.events) {
    if (!e.has_numbers_raised()) continue;
    spdlog::warn("numbering raised ({}) by client {}: {}", e.numbers_raised().reason(),
                 in.client_id(), e.numbers_raised().ShortDebugString());
  }
  // An empty queue is an everyday answer, not worth a log line.
  if (!o.ok() && o.reply.error().code() != v1::QUEUE_EMPTY && LogAllowed()) {
    spdlog::info("refused {} from {}: {}", req.GetDescriptor()->oneof_decl(0)->name(),
                 in.client_id(), o.reply.error().message_en());
  }
  v1::Envelope out;
  out.set_request_id(in.request_id());
  out.set_time_ms(now);
  out.set_seq(core_->seq());
  *out.mutable_reply() = std::move(o.reply);
  p.reply = out.SerializeAsString();
  if (!o.events.empty()) {
    Status st = Persist(o.events, now, began, events);
    if (st.ok()) st = store_->SaveReply(reply_client, in.request_id(), now, p.reply, digest);
    if (!st.ok()) {
      replies->push_back(std::move(p));  // answered RESOURCE_EXHAUSTED with the batch
      FailBatch(replies, events, began, st, now);
      return;
    }
  }
  replies->push_back(std::move(p));
}

void Reactor::HandleRead(Pending p, const std::string& peer, const v1::Envelope& in,
                         const Caller& who, std::vector<Pending>* replies, Millis now) {
  const v1::Request& req = in.request();
  if (req.has_snapshot() || req.has_get_catalog() || req.has_list_devices() || req.has_report() ||
      req.has_ticket_status() || req.has_list_slots() || req.has_get_booking()) {
    bool drop = false;
    if (!AllowHeavyRead(peer, &drop)) {
      ++counters_.reads_refused;
      CountBad(peer);    // a flood of reads is ignored like a flood of garbage
      if (drop) return;  // it does not read its replies: nothing is built or queued
      Refuse(std::move(p), in.request_id(), v1::UNAVAILABLE,
             "Terlalu banyak permintaan baca; coba lagi sebentar.",
             "Too many reads from this connection; try again in a moment.", replies, now);
      return;
    }
  }
  v1::Envelope out;
  out.set_request_id(in.request_id());
  out.set_time_ms(now);
  out.set_seq(core_->seq());
  if (req.has_report()) {
    ForwardReport(std::move(p.identity), in, std::move(out), replies, now);
    return;
  }
  if (disk_full_ && !req.has_status() && !req.has_hello() && core_->DayChangeDue(now)) {
    // The day change waits for disk space; a read must not do it unrecorded.
    p.reply = DiskFullEnvelope(in.request_id(), now);
    replies->push_back(std::move(p));
    return;
  }
  if (req.has_status()) {
    *out.mutable_reply()->mutable_status() = MakeStatus(now, who.sees_devices);
  } else if (req.has_hello()) {
    out.mutable_reply();  // heard (NoteSeen, in Identify): nothing to answer
  } else {
    *out.mutable_reply() = ApplyRead(req, who, now);
  }
  out.mutable_reply()->set_event_endpoint(bound_event_);
  p.reply = out.SerializeAsString();
  replies->push_back(std::move(p));
}

v1::Reply Reactor::ApplyRead(const v1::Request& req, const Caller& who, Millis now) {
  const bool was_held = req.has_release_device() &&
                        core_->sign_in_guard().HeldUntil(req.release_device().device(), now) > 0;
  v1::Reply reply = core_->Apply(req, now).reply;
  if (reply.has_snapshot()) core::RedactSnapshot(reply.mutable_snapshot(), who.audience);
  if (req.has_release_device() && reply.error().code() == v1::OK) {
    spdlog::warn("security: device {} released by {} ({})", req.release_device().device(), who.name,
                 was_held ? "it was held for wrong PINs" : "it was not held");
  }
  if (reply.has_devices()) {
    for (auto& d : *reply.mutable_devices()->mutable_devices()) {
      if (auto it = seen_.find(d.name()); it != seen_.end()) {
        d.set_last_seen_ms(it->second.at);
        d.set_last_address(it->second.address);
      }
    }
  }
  return reply;
}

void Reactor::ForwardReport(zmq::message_t identity, const v1::Envelope& in, v1::Envelope out,
                            std::vector<Pending>* replies, Millis now) {
  out.mutable_reply()->set_event_endpoint(bound_event_);
  if (reports_ && reports_->Offer(identity, {in.SerializeAsString(), out.SerializeAsString()})) {
    return;
  }
  Pending p;
  p.identity = std::move(identity);
  p.reply = ErrorEnvelope(
      in.request_id(), v1::UNAVAILABLE,
      reports_ ? "Laporan lain sedang dibuat; coba lagi sebentar lagi."
               : "Broker ini tidak membuat laporan.",
      reports_ ? "Too many reports are being built; try again in a moment."
               : "This broker has no report thread; run mppctl report --db on its database.",
      now);
  replies->push_back(std::move(p));
}

void Reactor::DeliverReports() {
  for (;;) {
    std::vector<zmq::message_t> frames;
    if (!zmq::recv_multipart(reports_->pipe(), std::back_inserter(frames),
                             zmq::recv_flags::dontwait)) {
      return;
    }
    if (frames.size() != 2) continue;
    // Through Deliver: the report thread read committed rows, which may be
    // waiting for the syncer still.
    std::vector<Pending> replies(1);
    replies[0].identity = std::move(frames[0]);
    replies[0].reply = frames[1].to_string();
    std::vector<v1::Envelope> no_events;
    Deliver(replies, no_events, /*began=*/false);
  }
}

void Reactor::NoteSignIn(const v1::SignIn& sign_in, const core::Outcome& o,
                         const std::string& caller, Millis held_before, Millis now) {
  if (o.ok() || o.reply.error().code() != v1::NOT_PERMITTED) return;
  const std::string counter = std::to_string(sign_in.counter_id());
  const Millis held = core_->sign_in_guard().HeldUntil(caller, now);
  if (held > held_before) {
    // Always a log line (a hold is rare); with keys also a SECURITY_NOTICE,
    // which names the device, the one thing an administrator can act on.
    std::string detail = "wrong PINs in a row at counter " + counter + " (last tried: operator " +
                         sign_in.operator_id() + "); held for " +
                         std::to_string((held - now + 59'999) / 60'000) + " min";
    if (options_.devices && caller.rfind("admin:", 0) == 0) {
      detail += "; if this is not your staff, remove its key from the broker's admins folder";
    } else if (options_.devices) {
      detail += "; revoke it with `mppctl device revoke " + caller + "` if this is not your staff";
    }
    spdlog::warn("security: device {} held: {}", caller, detail);
    if (options_.security) options_.security->Add("pin_hold", caller, detail, now);
  } else if (LogAllowed()) {
    spdlog::info("sign-in refused at counter {} from device {} for operator {}: {}", counter,
                 caller, sign_in.operator_id(), o.reply.error().message_en());
  }
}

bool Reactor::NeedsPinWork(const v1::Request& req, const std::string& caller, Millis now) const {
  if (req.has_set_operator()) return !req.set_operator().pin().empty();
  if (!req.has_sign_in() || req.sign_in().pin().empty()) return false;
  // Also for an unknown operator (checked against a dummy hash, in the same
  // time); not for a held device, which the core refuses at once.
  return core_->sign_in_guard().HeldUntil(caller, now) == 0 &&
         core_->catalog().FindCounter(req.sign_in().counter_id()) != nullptr;
}

std::string Reactor::ReplyClient(const std::optional<std::string>& user,
                                 const std::string& client_id) const {
  return options_.devices && user ? *user + "/" + client_id : client_id;
}

std::string Reactor::PinJobKey(const std::optional<std::string>& user,
                               const v1::Envelope& in) const {
  return ReplyClient(user, in.client_id()) + '\n' + in.request_id();
}

void Reactor::HandToPinThread(zmq::message_t identity, const std::string& user,
                              const std::string& job_key, const std::string& caller,
                              const v1::Envelope& in, std::vector<Pending>* replies, Millis now) {
  std::string hash;
  if (in.request().has_sign_in()) {
    const v1::Operator* op = core_->FindOperator(in.request().sign_in().operator_id());
    if (op && !op->pin_hash().empty()) {
      hash = op->pin_hash();
    } else {
      // An unknown id costs the time of a wrong PIN: another operator's
      // hash, or (in a hall with none) a hash of no PIN, made once.
      hash = core_->AnyPinHash();
      if (hash.empty()) {
        if (no_pin_hash_.empty()) {
          no_pin_hash_ = core::HashOfNoPin(options_.pin_opslimit, options_.pin_memlimit);
        }
        hash = no_pin_hash_;
      }
    }
  }
  if (pins_->Offer(identity, {user, in.SerializeAsString(), hash})) {
    PinJob& job = pin_jobs_[job_key];
    job.identity = std::move(identity);
    if (in.request().has_sign_in()) {
      job.caller = caller + '#' + std::to_string(in.request().sign_in().counter_id());
      pin_callers_.insert(job.caller);
    }
    return;
  }
  Pending p;
  p.identity = std::move(identity);
  p.reply = ErrorEnvelope(in.request_id(), v1::UNAVAILABLE,
                          "Server sedang sibuk memeriksa PIN; coba lagi sebentar.",
                          "The broker is busy checking PINs; try again in a moment.", now);
  replies->push_back(std::move(p));
}

void Reactor::DeliverPins(int worker) {
  std::vector<Pending> replies;
  std::vector<v1::Envelope> events;
  bool began = false;
  const Millis now = clock_->NowMs();
  ChangeDayIfDue(now);
  for (;;) {
    std::vector<zmq::message_t> frames;
    if (!zmq::recv_multipart(pins_->worker(worker).pipe(), std::back_inserter(frames),
                             zmq::recv_flags::dontwait)) {
      break;
    }
    pins_->Answered(worker);
    if (frames.size() != 6) continue;  // only the PIN thread writes here
    v1::Envelope in;
    in.ParseFromArray(frames[2].data(), static_cast<int>(frames[2].size()));
    Resumed r;
    r.user = frames[1].to_string();
    // The answer goes where the latest retry came from.
    auto job = pin_jobs_.find(
        PinJobKey(r.user.empty() ? std::nullopt : std::optional<std::string>(r.user), in));
    if (job != pin_jobs_.end()) {
      frames[0] = std::move(job->second.identity);
      pin_callers_.erase(job->second.caller);
      pin_jobs_.erase(job);
    }
    r.work.pin = in.request().has_sign_in() ? in.request().sign_in().pin()
                                            : in.request().set_operator().pin();
    r.work.hash = frames[3].to_string();
    r.work.verified = frames[4].to_string_view() == "1";
    r.work.new_hash = frames[5].to_string();
    // The same path as from the socket, from the authorization on.
    std::vector<zmq::message_t> again;
    again.push_back(std::move(frames[0]));
    again.emplace_back(kProtocolTag.data(), kProtocolTag.size());
    again.push_back(std::move(frames[2]));
    HandleMessage(again, &replies, &events, &began, now, &r);
  }
  Deliver(replies, events, began);
}

std::optional<std::string> Reactor::HandleOne(std::vector<zmq::message_t> frames, Millis now) {
  std::vector<Pending> replies;
  std::vector<v1::Envelope> events;
  bool began = false;
  if (frames.size() < 2) return std::nullopt;  // ROUTER never delivers less
  ChangeDayIfDue(now);
  HandleMessage(frames, &replies, &events, &began, now);
  if (began) {
    if (Status st = store_->Commit(); !st.ok()) {
      spdlog::critical("COMMIT failed: {}", st.message());
      std::abort();
    }
  }
  for (const auto& ev : events) {
    if (options_.devices && ev.event().has_device()) options_.devices->Put(ev.event().device());
  }
  if (replies.empty()) return std::nullopt;
  return replies.back().reply;
}

Status Reactor::Persist(std::vector<v1::Event>& applied, Millis now, bool* began,
                        std::vector<v1::Envelope>* events) {
  if (!*began) {
    if (Status st = store_->Begin(); !st.ok()) {
      return Status::Error("cannot begin a transaction: " + st.message());
    }
    *began = true;
  }
  uint64_t seq = core_->seq() - applied.size() + 1;
  for (auto& e : applied) {
    if (Status st = store_->AppendEvent(seq, now, e); !st.ok()) {
      return Status::Error("cannot persist event " + std::to_string(seq) + ": " + st.message());
    }
    v1::Envelope ev;
    ev.set_seq(seq++);
    ev.set_time_ms(now);
    *ev.mutable_event() = std::move(e);
    // Stored with the PIN hash and a new catalog; published without them
    // (clients fetch the catalog when its version changes).
    if (ev.event().has_operator_info()) {
      ev.mutable_event()->mutable_operator_info()->clear_pin_hash();
    }
    if (ev.event().has_catalog_change()) {
      ev.mutable_event()->mutable_catalog_change()->clear_catalog();
    }
    events->push_back(std::move(ev));
  }
  return Status::Ok();
}

std::string Reactor::DiskFullEnvelope(const std::string& request_id, Millis now) const {
  return ErrorEnvelope(request_id, v1::RESOURCE_EXHAUSTED,
                       "Disk server antrean penuh; tidak ada yang dapat dicatat. Hubungi admin.",
                       "The broker's disk is full: nothing can be recorded until space is freed "
                       "(the log says so). Reads still work; retry later.",
                       now);
}

void Reactor::FailBatch(std::vector<Pending>* replies, std::vector<v1::Envelope>* events,
                        bool* began, const Status& st, Millis now) {
  if (!store_->LastErrorWasDiskFull() || !options_.rebuild_core) {
    // Nothing of the batch was acknowledged; the log on disk is the truth.
    spdlog::critical("{}; exiting so state is rebuilt from the database", st.message());
    std::abort();
  }
  store_->Rollback();
  if (Status rebuilt = options_.rebuild_core(now); !rebuilt.ok()) {
    spdlog::critical("disk full, and the state cannot be rebuilt from the database ({}); exiting",
                     rebuilt.message());
    std::abort();
  }
  // Every answer of the batch was made on state that was just rolled back.
  for (auto& p : *replies) {
    v1::Envelope was;
    was.ParseFromString(p.reply);
    p.reply = DiskFullEnvelope(was.request_id(), now);
  }
  events->clear();
  *began = false;
  if (!disk_full_) {
    spdlog::critical(
        "disk full ({}): {} request(s) of this batch were rolled back and refused; every command "
        "is refused (RESOURCE_EXHAUSTED) until space is freed on the database's disk - reads and "
        "heartbeats go on, nothing acknowledged is lost",
        st.message(), replies->size());
  }
  disk_full_ = true;
}

bool Reactor::AllowHeavyRead(const std::string& peer, bool* drop) {
  const auto now = std::chrono::steady_clock::now();
  if (auto it = unread_peers_.find(peer);
      it != unread_peers_.end() && now - it->second < std::chrono::milliseconds(kUnreadMs)) {
    *drop = true;
    flood_seen_ = true;
    return false;
  }
  ReadBudget& b = read_budgets_[peer];
  if (b.last != std::chrono::steady_clock::time_point{}) {
    b.tokens =
        std::min(kReadBurst,
                 b.tokens + kReadsPerSecond * std::chrono::duration<double>(now - b.last).count());
  }
  b.last = now;
  if (b.tokens < 1) {
    flood_seen_ = true;
    return false;
  }
  b.tokens -= 1;
  return true;
}

void Reactor::TendFloods() {
  const auto now = std::chrono::steady_clock::now();
  const int64_t dropped = counters_.replies_dropped - dropped_logged_;
  if (dropped > 0) {
    spdlog::warn(
        "dropped {} replies in the last seconds to {} connection(s) that do not read them (their "
        "queue of {} was full); their reads are not built until they read again",
        dropped, unread_peers_.size(), kReplyQueue);
    dropped_logged_ = counters_.replies_dropped;
    flood_seen_ = true;
    return;  // still flooding: trim once it has ended
  }
  for (auto it = unread_peers_.begin(); it != unread_peers_.end();) {
    it = now - it->second > std::chrono::seconds(10) ? unread_peers_.erase(it) : std::next(it);
  }
  for (auto it = read_budgets_.begin(); it != read_budgets_.end();) {
    it = now - it->second.last > std::chrono::minutes(1) ? read_budgets_.erase(it) : std::next(it);
  }
  if (flood_seen_) {
    // The replies a flood queued are freed now; glibc keeps freed memory in
    // its arenas unless asked to give it back.
    flood_seen_ = false;
    malloc_trim(0);
  }
}

void Reactor::CheckDisk(Millis now) {
  if (options_.db_path.empty()) return;
  struct statvfs vfs {};
  const std::string dir = std::filesystem::path(options_.db_path).parent_path().string();
  if (statvfs(dir.empty() ? "." : dir.c_str(), &vfs) == 0) {
    disk_free_ = static_cast<int64_t>(vfs.f_bavail) * static_cast<int64_t>(vfs.f_frsize);
    disk_low_ = options_.disk_floor_bytes > 0 && disk_free_ < options_.disk_floor_bytes;
    const auto steady = std::chrono::steady_clock::now();
    if (disk_low_ && steady >= next_low_warning_) {
      spdlog::warn(
          "only {} MB free on the database's disk ({}; floor {} MB): free space before it "
          "fills - when it does, every command is refused until there is room again",
          disk_free_ >> 20, dir, options_.disk_floor_bytes >> 20);
      next_low_warning_ = steady + std::chrono::minutes(10);
    }
  }
  if (!disk_full_) return;
  if (Status st = store_->ProbeWrite(now); st.ok()) {
    disk_full_ = false;
    spdlog::warn("the database's disk takes writes again: commands are accepted");
  }
}

core::Outcome Reactor::ReloadCatalogFile(Millis now) {
  core::Outcome o;
  if (options_.config_path.empty()) {
    o.reply = core::ErrorReply(v1::FAILED_PRECONDITION, "Broker ini tidak punya berkas katalog.",
                               "This broker has no catalog file to read again.");
    return o;
  }
  auto parsed = LoadCatalogFile(options_.config_path);
  if (!parsed.ok()) {
    spdlog::error("catalog {} not reloaded: {}", options_.config_path, parsed.status().message());
    o.reply = core::ErrorReply(
        v1::INVALID_ARGUMENT,
        "Katalog ditolak; yang berlaku tetap dipakai:\n" + parsed.status().message(),
        "The catalog was refused; the one in force stays:\n" + parsed.status().message());
    return o;
  }
  auto next = std::make_unique<CatalogIndex>(core::Versioned(std::move(parsed).value()));
  if (next->catalog().version() == core_->catalog().catalog().version()) {
    spdlog::info("catalog {} reloaded: unchanged (version {})", options_.config_path,
                 next->catalog().version());
    o.reply.mutable_catalog_change()->set_version(next->catalog().version());
    o.reply.mutable_catalog_change()->set_previous_version(next->catalog().version());
    return o;
  }
  o = core_->ChangeCatalog(next.get(), now);
  o.reply.mutable_catalog_change()->clear_catalog();
  if (!o.ok()) {
    spdlog::warn("catalog {} not applied:\n{}", options_.config_path,
                 DescribeCatalogChange(o.reply.catalog_change()));
    return o;
  }
  spdlog::info("catalog {} applied: version {} -> {}\n{}", options_.config_path,
               o.reply.catalog_change().previous_version(), o.reply.catalog_change().version(),
               DescribeCatalogChange(o.reply.catalog_change()));
  catalog_ = next.get();
  if (reports_) reports_->SetCatalog(next.get());
  loaded_catalogs_.push_back(std::move(next));
  return o;
}

void Reactor::CommitOnItsOwn(std::vector<v1::Event>& applied, Millis now) {
  if (applied.empty()) return;
  std::vector<v1::Envelope> events;
  bool began = false;
  std::vector<Pending> no_replies;
  if (Status st = Persist(applied, now, &began, &events); !st.ok()) {
    FailBatch(&no_replies, &events, &began, st, now);
    return;
  }
  Deliver(no_replies, events, began);
}

void Reactor::ReloadOnSignal() {
  const Millis now = clock_->NowMs();
  ChangeDayIfDue(now);
  core::Outcome o = ReloadCatalogFile(now);
  CommitOnItsOwn(o.events, now);
}

void Reactor::ChangeDayIfDue(Millis now) {
  // With a full disk the change waits (CheckDisk): it could not be recorded.
  if (disk_full_ || !core_->DayChangeDue(now)) return;
  const std::string before = core_->business_day();
  core::Outcome o = core_->ChangeDay(now);
  if (o.events.empty()) return;
  const v1::DayChange d = o.events.back().day_change();
  CommitOnItsOwn(o.events, now);
  spdlog::info("business day {} -> {}: {} unfinished tickets expired, {} counters closed (seq {})",
               before, d.business_day(), d.expired(), d.counters_closed(), core_->seq());
  // Retries come within seconds: replies older than a week are dropped once a
  // day, not only at start-up (a broker that runs for months).
  if (Status st = store_->PruneReplies(now - 7LL * 86'400'000); !st.ok()) {
    spdlog::warn("could not prune old stored replies: {}", st.message());
  }
}

void Reactor::FlushSecurity() {
  if (!options_.security) return;
  auto notices = options_.security->Take();
  if (notices.empty()) return;
  const Millis now = clock_->NowMs();
  std::vector<v1::Event> applied;  // one event a notice: the last seqs, in order
  for (const auto& n : notices) {
    core::Outcome o = core_->SecurityNote(n);
    applied.push_back(std::move(o.events[0]));
    spdlog::warn("security: {} x{} {} ({})", n.kind(), n.count(), n.subject(), n.detail());
  }
  CommitOnItsOwn(applied, now);
}

void Reactor::ServeBatch() {
  std::vector<Pending> replies;
  std::vector<v1::Envelope> events;
  bool began = false;
  const auto t_start = std::chrono::steady_clock::now();
  const Millis now = clock_->NowMs();
  ChangeDayIfDue(now);
  int64_t dropped_in_batch = 0;
  for (int i = 0; i < options_.max_batch; ++i) {
    std::vector<zmq::message_t> frames;
    zmq::recv_result_t got;
    try {
      got = zmq::recv_multipart(router_, std::back_inserter(frames), zmq::recv_flags::dontwait);
    } catch (const zmq::error_t& e) {
      if (e.num() == EINTR) break;
      throw;
    }
    if (!got) break;
    // ROUTER always delivers [identity][at least one frame]; HandleMessage
    // answers any other frame count with INVALID_ARGUMENT.
    ++counters_.messages;
    const int64_t dropped = counters_.dropped_bad;
    HandleMessage(frames, &replies, &events, &began, now);
    // A flooding connection's messages are dropped unread, but reading them
    // still takes time: an honest request already in this batch is not kept
    // waiting behind hundreds of them (ROUTER reads connections in turn).
    dropped_in_batch += counters_.dropped_bad - dropped;
    if (dropped_in_batch >= kDropsBeforeServing && !replies.empty()) break;
  }
  counters_.handle_ms +=
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t_start).count();
  Deliver(replies, events, began);
}

void Reactor::Deliver(std::vector<Pending>& replies, std::vector<v1::Envelope>& events,
                      bool began) {
  const auto t0 = std::chrono::steady_clock::now();
  if (began) {
    Status st = store_->Commit();
    counters_.commit_ms +=
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    ++counters_.commits;
    const int64_t batch = static_cast<int64_t>(replies.size());
    counters_.committed_requests += batch;
    counters_.max_batch = std::max(counters_.max_batch, batch);
    if (!st.ok()) {
      // Nothing was acknowledged: a full disk is survived (FailBatch), any
      // other failure restarts from the log on disk.
      FailBatch(&replies, &events, &began, Status::Error("COMMIT failed: " + st.message()),
                clock_->NowMs());
    } else if (options_.syncer) {
      options_.syncer->Request(++commit_generation_);
    }
  }
  // Not yet durable, or behind something that is not: wait for the syncer.
  // A reply without a commit of its own (a refusal, a snapshot) may still
  // show or confirm what a held batch did.
  if (options_.syncer && (began || !held_.empty())) {
    held_.push_back({commit_generation_, std::move(replies), std::move(events)});
    return;
  }
  Send(replies, events);
}

void Reactor::ReleaseSynced() {
  const uint64_t synced = options_.syncer->TakeSynced();
  while (!held_.empty() && held_.front().generation <= synced) {
    Send(held_.front().replies, held_.front().events);
    held_.pop_front();
  }
}

void Reactor::Send(std::vector<Pending>& replies, std::vector<v1::Envelope>& events) {
  const auto t_send = std::chrono::steady_clock::now();
  for (auto& p : replies) {
    try {
      router_.send(p.identity, zmq::send_flags::sndmore | zmq::send_flags::dontwait);
      router_.send(zmq::buffer(kProtocolTag), zmq::send_flags::sndmore | zmq::send_flags::dontwait);
      router_.send(zmq::buffer(p.reply), zmq::send_flags::dontwait);
    } catch (const zmq::error_t& e) {
      // EHOSTUNREACH: the client left. EAGAIN: its queue is full - it does
      // not read (TendFloods logs the count). Either way a stored reply is
      // there for a retry.
      if (e.num() == EAGAIN) {
        ++counters_.replies_dropped;
        unread_peers_[std::string(static_cast<const char*>(p.identity.data()), p.identity.size())] =
            std::chrono::steady_clock::now();
      }
    }
  }
  bool revoked = false;
  for (const auto& ev : events) {
    // Committed: the ZAP handler and the per-message check see a device change now.
    if (options_.devices && ev.event().has_device()) {
      options_.devices->Put(ev.event().device());
      revoked |= ev.event().device().revoked();
    }
    Publish(ev);
    published_seq_ = ev.seq();
    if (ev.event().type() == v1::DAY_CHANGED) {
      published_day_ = ev.event().day_change().business_day();
    }
    if (ev.event().has_catalog_change()) published_catalog_ = ev.event().catalog_change().version();
  }
  if (revoked) RebindEvents();
  counters_.send_ms +=
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t_send).count();
}

void Reactor::Publish(const v1::Envelope& ev) {
  auto send = [&](const std::string& topic, const std::string& body) {
    // A topic nobody was ever granted on this socket has no subscriber.
    if (!granted_.count(topic)) return;
    pub_.send(zmq::buffer(topic), zmq::send_flags::sndmore);
    pub_.send(zmq::buffer(body), zmq::send_flags::none);
  };
  const v1::Event& e = ev.event();
  if (core::SameForAll(e)) {
    send(core::EventTopic("012"), ev.SerializeAsString());
    return;
  }
  // One message per distinct version, on the topic of the audiences it is
  // for: each subscriber gets exactly one message per seq (a zone display:
  // its zones' copies, then a stub it drops as already seen).
  std::string bodies[core::kAudiences];
  for (int a = 0; a < core::kAudiences; ++a) {
    v1::Envelope copy;
    copy.set_seq(ev.seq());
    copy.set_time_ms(ev.time_ms());
    *copy.mutable_event() = core::ForAudience(e, static_cast<core::Audience>(a));
    bodies[a] = copy.SerializeAsString();
  }
  const bool zoned = core::Zoned(e);
  bool sent[core::kAudiences] = {false, false, false};
  for (int a = zoned ? 1 : 0; a < core::kAudiences; ++a) {
    if (sent[a]) continue;
    std::string group;
    for (int b = a; b < core::kAudiences; ++b) {
      if (!sent[b] && bodies[b] == bodies[a]) {
        group += static_cast<char>('0' + b);
        sent[b] = true;
      }
    }
    send(core::EventTopic(group), bodies[a]);
  }
  if (!zoned) return;
  send(core::ZoneTopic("*"), bodies[0]);
  for (const std::string& zone : core::ZonesOf(e, core_->catalog())) {
    send(core::ZoneTopic(zone), bodies[0]);
  }
  v1::Envelope stub;
  stub.set_seq(ev.seq());
  stub.set_time_ms(ev.time_ms());
  stub.mutable_event()->set_type(e.type());
  send(std::string(core::kZoneStubTopic), stub.SerializeAsString());
}

void Reactor::PublishHeartbeat(Millis now) {
  v1::Envelope env;
  // Only what subscribers could have had: an event waiting for the syncer
  // is not announced before it is sent.
  const uint64_t seq = held_.empty() ? core_->seq() : published_seq_;
  env.set_seq(seq);
  env.set_time_ms(now);
  env.mutable_heartbeat()->set_seq(seq);
  // Likewise the day: a DAY_CHANGED still held is not announced.
  env.mutable_heartbeat()->set_business_day(held_.empty() ? core_->business_day() : published_day_);
  env.mutable_heartbeat()->set_catalog_version(held_.empty() ? core_->catalog().catalog().version()
                                                             : published_catalog_);
  env.mutable_heartbeat()->set_disk_low(disk_low_);
  env.mutable_heartbeat()->set_writes_refused(disk_full_);
  pub_.send(zmq::buffer(kTopicHeartbeat), zmq::send_flags::sndmore);
  pub_.send(zmq::buffer(env.SerializeAsString()), zmq::send_flags::none);
}

void Reactor::SummarizeDays(Millis now) {
  const std::string today = catalog_->BusinessDay(now);
  const auto steady = std::chrono::steady_clock::now();
  if (today == summarized_before_ &&
      (!store_->summaries_pending() || steady < next_summary_retry_)) {
    return;
  }
  // A few days per call keep the reactor's pause short (~10 ms a day); the
  // start-up summarizes a backlog before serving.
  constexpr int kDaysPerCall = 3;
  auto written = store_->SummarizeClosedDays(today, catalog_->utc_offset_min(), now, kDaysPerCall);
  if (!written.ok()) {
    spdlog::error("report summaries: {}", written.status().message());
  } else if (*written > 0) {
    spdlog::info("report summaries: {} closed day(s) summarized", *written);
  }
  summarized_before_ = today;
  // More left (the cap, or a ticket still held): again at the next heartbeat
  // if it was the cap, else in a minute.
  next_summary_retry_ =
      steady + (written.ok() && *written == kDaysPerCall ? std::chrono::milliseconds(0)
                                                         : std::chrono::milliseconds(60'000));
}

void Reactor::Run(const std::atomic<bool>& stop) {
  using namespace std::chrono;
  published_seq_ = core_->seq();
  published_day_ = core_->business_day();
  published_catalog_ = core_->catalog().catalog().version();
  CheckDisk(clock_->NowMs());  // the first status already knows the free space
  auto next_heartbeat = steady_clock::now();
  auto next_security = steady_clock::now() + milliseconds(options_.security_summary_ms);
  while (!stop.load()) {
    const auto now = steady_clock::now();
    ChangeDayIfDue(clock_->NowMs());
    if (options_.reload && options_.reload->exchange(false)) ReloadOnSignal();
    if (now >= next_heartbeat) {
      PublishHeartbeat(clock_->NowMs());
      NoteFailedHandshakes(clock_->NowMs());
      CheckDisk(clock_->NowMs());
      TendFloods();
      if (options_.on_heartbeat) options_.on_heartbeat();
      SummarizeDays(clock_->NowMs());
      next_heartbeat = now + milliseconds(options_.heartbeat_ms);
    }
    if (now >= next_security) {
      FlushSecurity();
      next_security = now + milliseconds(options_.security_summary_ms);
    }
    const auto wait =
        std::min(duration_cast<milliseconds>(next_heartbeat - now), milliseconds(100));
    // The workers' answers are signalled on plain file descriptors, which
    // zmq_poll checks with the one poll() call instead of asking a socket.
    zmq::pollitem_t items[4 + PinPool::kMaxWorkers] = {
        {router_.handle(), 0, ZMQ_POLLIN, 0},
        {nullptr, reports_ ? reports_->answered_fd() : -1, ZMQ_POLLIN, 0},
        {nullptr, options_.syncer ? options_.syncer->synced_fd() : -1, ZMQ_POLLIN, 0},
        {pub_.handle(), 0, ZMQ_POLLIN, 0}};
    for (int i = 0; i < pins_->size(); ++i) {
      items[4 + i] = {nullptr, pins_->worker(i).answered_fd(), ZMQ_POLLIN, 0};
    }
    try {
      zmq::poll(items, 4 + pins_->size(), std::max(wait, milliseconds(0)));
    } catch (const zmq::error_t& e) {
      if (e.num() == EINTR) continue;  // a signal; the loop checks `stop`
      throw;
    }
    if (items[0].revents & ZMQ_POLLIN) ServeBatch();
    if (items[3].revents & ZMQ_POLLIN) AcceptSubscriptions();
    for (int i = 0; i < pins_->size(); ++i) {
      if (!(items[4 + i].revents & ZMQ_POLLIN)) continue;
      pins_->worker(i).TakeAnswered();
      DeliverPins(i);
    }
    if (items[1].revents & ZMQ_POLLIN) {
      reports_->TakeAnswered();
      DeliverReports();
    }
    if (items[2].revents & ZMQ_POLLIN) ReleaseSynced();
  }
  // Stopping: what was committed is synced and answered, so no client
  // retries a request that went through.
  while (!held_.empty()) {
    zmq::pollitem_t synced{nullptr, options_.syncer->synced_fd(), ZMQ_POLLIN, 0};
    zmq::poll(&synced, 1, milliseconds(100));
    ReleaseSynced();
  }
}

}  // namespace mpp::net
