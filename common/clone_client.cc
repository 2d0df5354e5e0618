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
  std::lock_guard<std::mutex> lock(mu_);
  return view_;
}

v1::Catalog CloneClient::Catalog() const {
  std::lock_guard<std::mutex> lock(mu_);
  return catalog_;
}

std::vector<Announcement> CloneClient::TakeAnnouncements() {
  std::lock_guard<std::mutex> lock(mu_);
  return view_.state.TakeAnnouncements();
}

bool CloneClient::CatalogChanged(const std::string& version) {
  std::lock_guard<std::mutex> lock(mu_);
  return CatalogChangedLocked(version);
}

bool CloneClient::CatalogChangedLocked(const std::string& version) {
  if (version.empty() || version == catalog_.version()) return false;
  spdlog::info("the broker's catalog changed ({} -> {}); fetching it", catalog_.version(), version);
  view_.has_catalog = false;  // the loop fetches it, then the snapshot again
  return true;
}

void CloneClient::Run() {
  using Steady = std::chrono::steady_clock;
  zmq::context_t ctx(1);
  BrokerClient cmd(&ctx, options_.broker, options_.client_id);
  BrokerClient::Options call;
  call.timeout_ms = options_.request_timeout_ms;
  call.retry_ms = options_.request_timeout_ms;
  std::unique_ptr<zmq::socket_t> sub;
  std::string events_endpoint;
  auto last_heard = Steady::now();
  auto last_hello = Steady::now();
  SystemClock local;

  // What this client saw of today's numbers, reported when a snapshot shows
  // the broker behind them (restored from a backup).
  NumberWatch numbers;
  std::string last_failure;
  auto set_connected = [&](bool c) {
    bool changed;
    {
      std::lock_guard<std::mutex> lock(mu_);
      changed = view_.connected != c;
      view_.connected = c;
      if (!c) view_.state.MarkUnsynced();
    }
    if (changed) {
      if (c) {
        spdlog::info("connected to {}", options_.broker);
      } else {
        spdlog::warn("lost the broker at {}; reconnecting", options_.broker);
      }
      if (on_change_) on_change_();
    }
  };
  // A call that went unanswered: the reason once per change in the log, and
  // whether it was this device's key for the screens.
  auto failed = [&](const Status& st) {
    if (st.message() != last_failure) {
      last_failure = st.message();
      spdlog::warn("{}", last_failure);
    }
    std::lock_guard<std::mutex> lock(mu_);
    view_.key_refused = IsKeyRefused(st);
  };
  auto answered = [&] {
    last_failure.clear();
    std::lock_guard<std::mutex> lock(mu_);
    view_.key_refused = false;
  };
  auto pause = [&](int ms) {  // interruptible by Stop()
    const auto until = Steady::now() + std::chrono::milliseconds(ms);
    while (!stop_ && Steady::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  };

  while (!stop_) {
    bool has_catalog;
    {
      std::lock_guard<std::mutex> lock(mu_);
      has_catalog = view_.has_catalog;
    }
    if (!has_catalog || !sub) {
      v1::Request r;
      r.mutable_get_catalog();
      auto env = cmd.Call(r, call);
      if (!env.ok()) {
        failed(env.status());
        set_connected(false);
        pause(500);
        continue;
      }
      answered();
      events_endpoint = ResolveEventEndpoint(options_.broker, env->reply().event_endpoint());
      {
        std::lock_guard<std::mutex> lock(mu_);
        catalog_ = env->reply().catalog();
        view_.has_catalog = true;
        ++view_.catalog_generation;
      }
      sub = std::make_unique<zmq::socket_t>(ctx, zmq::socket_type::sub);
      sub->set(zmq::sockopt::linger, 0);
      sub->set(zmq::sockopt::subscribe, std::string(kTopicPrefix));
      ApplyClientKeys(*sub);
      sub->connect(events_endpoint);
      last_heard = Steady::now();
    }
    bool synced;
    {
      std::lock_guard<std::mutex> lock(mu_);
      synced = view_.state.synced();
    }
    if (!synced) {
      // Subscribed first (above); now the snapshot. Events queued on the SUB
      // socket meanwhile are applied after it if newer.
      v1::Request r;
      r.mutable_snapshot()->set_zone(options_.zone);
      auto env = cmd.Call(r, call);
      if (!env.ok() || env->reply().error().code() != v1::OK) {
        if (env.ok()) {
          spdlog::error("snapshot refused: {}", env->reply().error().message_en());
        } else {
          failed(env.status());
        }
        set_connected(false);
        sub.reset();  // a fresh connection next time
        pause(500);
        continue;
      }
      answered();
      ReportNumbersIfBehind(numbers, env->reply().snapshot(), cmd, call);
      if (CatalogChanged(env->reply().snapshot().catalog_version())) continue;
      {
        std::lock_guard<std::mutex> lock(mu_);
        view_.state.ApplySnapshot(env->reply().snapshot());
        view_.broker_offset_ms = env->time_ms() - local.NowMs();
        ++view_.resyncs;
      }
      last_heard = Steady::now();
      set_connected(true);
      if (on_change_) on_change_();
    }
    if (options_.hello_ms > 0 &&
        Steady::now() - last_hello >= std::chrono::milliseconds(options_.hello_ms)) {
      last_hello = Steady::now();
      v1::Request r;
      r.mutable_hello();
      if (auto sent = cmd.Call(r, call); !sent.ok()) {
        spdlog::debug("hello unanswered: {}", sent.status().message());
      }
    }
    zmq::pollitem_t item{sub->handle(), 0, ZMQ_POLLIN, 0};
    try {
      zmq::poll(&item, 1, std::chrono::milliseconds(200));
    } catch (const zmq::error_t&) {
      continue;
    }
    if (item.revents & ZMQ_POLLIN) {
      bool changed = false;
      bool catalog_event = false;
      std::vector<zmq::message_t> frames;
      while (!catalog_event &&
             zmq::recv_multipart(*sub, std::back_inserter(frames), zmq::recv_flags::dontwait)) {
        v1::Envelope env;
        if (frames.size() == 2 && env.ParseFromArray(frames[1].data(), frames[1].size())) {
          last_heard = Steady::now();
          std::lock_guard<std::mutex> lock(mu_);
          if (env.has_event()) {
            if (env.event().has_ticket()) numbers.See(env.event().ticket());
            const auto r = view_.state.ApplyEvent(env.seq(), env.event(), env.time_ms());
            changed |= r == LiveState::EventResult::kApplied;
            // A new catalog: fetch it before the next event, which may call a
            // ticket at a counter only the new catalog has.
            catalog_event = r == LiveState::EventResult::kApplied &&
                            env.event().has_catalog_change() &&
                            env.event().catalog_change().version() != catalog_.version();
            if (r == LiveState::EventResult::kGap) {
              spdlog::warn("event gap at seq {} (have {}); resyncing", env.seq(),
                           view_.state.seq());
              view_.state.MarkUnsynced();
            }
          } else if (env.has_heartbeat()) {
            view_.broker_offset_ms = env.time_ms() - local.NowMs();
            view_.disk_low = env.heartbeat().disk_low();
            view_.writes_refused = env.heartbeat().writes_refused();
            if (CatalogChangedLocked(env.heartbeat().catalog_version())) {
              view_.state.MarkUnsynced();
            }
            if (view_.state.BehindHeartbeat(env.heartbeat().seq())) view_.state.MarkUnsynced();
            if (view_.state.BrokerWentBack(env.heartbeat().seq())) {
              spdlog::warn("the broker is back at seq {} (had {}): restored? resyncing",
                           env.heartbeat().seq(), view_.state.seq());
              view_.state.MarkUnsynced();
            }
          }
        }
        frames.clear();
      }
      if (catalog_event) {
        v1::Request r;
        r.mutable_get_catalog();
        auto env = cmd.Call(r, call);
        std::lock_guard<std::mutex> lock(mu_);
        if (env.ok() && env->reply().has_catalog()) {
          spdlog::info("catalog {} in force", env->reply().catalog().version());
          catalog_ = env->reply().catalog();
          ++view_.catalog_generation;
        } else {
          view_.has_catalog = false;  // fetched again by the loop, then a snapshot
          view_.state.MarkUnsynced();
        }
      }
      if (changed && on_change_) on_change_();
    }
    if (Steady::now() - last_heard > std::chrono::milliseconds(options_.silence_ms)) {
      set_connected(false);
      sub.reset();
    }
  }
}

}  // namespace mpp
