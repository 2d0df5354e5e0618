#include "common/clone_client.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "common/client.h"
#include "common/keys.h"
#include "common/number_watch.h"
#include "common/time_util.h"
#include "common/wire.h"

namespace mpp {

CloneClient::CloneClient(Options options, std::function<void()> on_change)
    : options_(std::move(options)), on_change_(std::move(on_change)) {}

CloneClient::~CloneClient() { Stop(); }

void CloneClient::Start() {
  stop_ = false;
  thread_ = std::thread([this] { Run(); });
}

void CloneClient::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

CloneClient::View CloneClient::Read() const {
  MutexLock lock(&mu_);
  View v;
  v.state = session_.state();
  v.connected = session_.connected();
  v.has_catalog = session_.has_catalog();
  v.catalog_generation = session_.catalog_generation();
  v.broker_offset_ms = session_.broker_offset_ms();
  v.resyncs = session_.resyncs();
  v.key_refused = key_refused_;
  v.disk_low = session_.disk_low();
  v.writes_refused = session_.writes_refused();
  return v;
}

CloneClient::Glance CloneClient::Peek() const {
  MutexLock lock(&mu_);
  return {session_.state().seq(), session_.connected(), session_.state().synced(),
          session_.catalog_generation()};
}

v1::Catalog CloneClient::Catalog() const {
  MutexLock lock(&mu_);
  return session_.catalog();
}

std::vector<Announcement> CloneClient::TakeAnnouncements() {
  MutexLock lock(&mu_);
  return session_.mutable_state().TakeAnnouncements();
}

struct CloneClient::Net {
  Net(const Options& o) : cmd(&ctx, o.broker, o.client_id) {
    call.timeout_ms = o.request_timeout_ms;
    call.retry_ms = o.request_timeout_ms;
  }
  zmq::context_t ctx{1};
  BrokerClient cmd;
  BrokerClient::Options call;
  std::unique_ptr<zmq::socket_t> sub;
  SystemClock local;
  // What this client saw of today's numbers, reported when a snapshot shows
  // the broker behind them (restored from a backup).
  NumberWatch numbers;
  std::string last_failure;
  bool was_connected = false;
  int64_t last_hello_ms = SteadyNowMs();
};

void CloneClient::Run() {
  Net net(options_);
  while (!stop_) {
    CloneSession::Step step;
    {
      MutexLock lock(&mu_);
      step = session_.Next();
    }
    switch (step) {
      case CloneSession::Step::kFetchCatalog:
        FetchCatalog(net);
        break;
      case CloneSession::Step::kSnapshot:
        TakeSnapshot(net);
        break;
      case CloneSession::Step::kListen:
        SayHello(net);
        Listen(net);
        break;
    }
    bool silent;
    {
      MutexLock lock(&mu_);
      silent = session_.Tick(SteadyNowMs());
    }
    if (silent) net.sub.reset();
    NoteConnection(net);
  }
}

StatusOr<v1::Envelope> CloneClient::Ask(Net& net, const v1::Request& request) {
  auto env = net.cmd.Call(request, net.call);
  if (env.ok()) net.last_failure.clear();
  if (!env.ok() && env.status().message() != net.last_failure) {
    net.last_failure = env.status().message();
    spdlog::warn("{}", net.last_failure);
  }
  MutexLock lock(&mu_);
  key_refused_ = IsKeyRefused(env.status());
  if (!env.ok()) session_.CallFailed();
  return env;
}

void CloneClient::FetchCatalog(Net& net) {
  v1::Request r;
  r.mutable_get_catalog();
  auto env = Ask(net, r);
  if (!env.ok()) {
    net.sub.reset();
    NoteConnection(net);
    Pause(500);
    return;
  }
  std::string endpoint;
  {
    MutexLock lock(&mu_);
    session_.CatalogFetched(env->reply(), SteadyNowMs());
    endpoint = ResolveEventEndpoint(options_.broker, session_.event_endpoint());
  }
  // Subscribed before the snapshot: events published meanwhile queue on the
  // SUB socket and are applied after it if newer.
  net.sub = std::make_unique<zmq::socket_t>(net.ctx, zmq::socket_type::sub);
  net.sub->set(zmq::sockopt::linger, 0);
  net.sub->set(zmq::sockopt::subscribe, std::string(kTopicPrefix));
  ApplyClientKeys(*net.sub);
  net.sub->connect(endpoint);
}

void CloneClient::TakeSnapshot(Net& net) {
  v1::Request r;
  r.mutable_snapshot()->set_zone(options_.zone);
  auto env = Ask(net, r);
  bool taken = false;
  if (env.ok()) {
    if (env->reply().error().code() == v1::OK) {
      ReportNumbersIfBehind(net.numbers, env->reply().snapshot(), net.cmd, net.call);
    }
    MutexLock lock(&mu_);
    taken = session_.SnapshotTaken(*env, SteadyNowMs(), net.local.NowMs());
  }
  NoteConnection(net);
  if (taken) {
    if (on_change_) on_change_();
    return;
  }
  bool subscribed;
  {
    MutexLock lock(&mu_);
    subscribed = session_.subscribed();
  }
  if (!subscribed) {  // unanswered or refused: a fresh connection after a pause
    net.sub.reset();
    Pause(500);
  }
}

void CloneClient::SayHello(Net& net) {
  if (options_.hello_ms <= 0 || SteadyNowMs() - net.last_hello_ms < options_.hello_ms) return;
  net.last_hello_ms = SteadyNowMs();
  v1::Request r;
  r.mutable_hello();
  // Not Ask: an unanswered hello is the silence rule's business.
  if (auto sent = net.cmd.Call(r, net.call); !sent.ok()) {
    spdlog::debug("hello unanswered: {}", sent.status().message());
  }
}

void CloneClient::Listen(Net& net) {
  zmq::pollitem_t item{net.sub->handle(), 0, ZMQ_POLLIN, 0};
  try {
    zmq::poll(&item, 1, std::chrono::milliseconds(200));
  } catch (const zmq::error_t&) {
    return;
  }
  if (!(item.revents & ZMQ_POLLIN)) return;
  CloneSession::Heard heard;
  std::vector<zmq::message_t> frames;
  while (!heard.fetch_catalog &&
         zmq::recv_multipart(*net.sub, std::back_inserter(frames), zmq::recv_flags::dontwait)) {
    v1::Envelope env;
    if (frames.size() == 2 && env.ParseFromArray(frames[1].data(), frames[1].size())) {
      if (env.has_event() && env.event().has_ticket()) net.numbers.See(env.event().ticket());
      MutexLock lock(&mu_);
      const CloneSession::Heard one = session_.Published(env, SteadyNowMs(), net.local.NowMs());
      heard.changed |= one.changed;
      heard.fetch_catalog = one.fetch_catalog;
    }
    frames.clear();
  }
  if (heard.fetch_catalog) {
    v1::Request r;
    r.mutable_get_catalog();
    auto env = net.cmd.Call(r, net.call);
    MutexLock lock(&mu_);
    session_.CatalogInForce(env.ok(), env.ok() ? env->reply() : v1::Reply());
  }
  if (heard.changed && on_change_) on_change_();
}

void CloneClient::NoteConnection(Net& net) {
  bool connected;
  {
    MutexLock lock(&mu_);
    connected = session_.connected();
  }
  if (connected == net.was_connected) return;
  net.was_connected = connected;
  if (connected) {
    spdlog::info("connected to {}", options_.broker);
  } else {
    spdlog::warn("lost the broker at {}; reconnecting", options_.broker);
  }
  if (on_change_) on_change_();
}

void CloneClient::Pause(int ms) const {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (!stop_ && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace mpp
