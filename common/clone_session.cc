#include "common/clone_session.h"

#include <spdlog/spdlog.h>

namespace mpp {

CloneSession::Step CloneSession::Next() const {
  if (!has_catalog_ || !subscribed_) return Step::kFetchCatalog;
  if (!state_.synced()) return Step::kSnapshot;
  return Step::kListen;
}

void CloneSession::CatalogFetched(const v1::Reply& reply, int64_t now_ms) {
  catalog_ = reply.catalog();
  event_endpoint_ = reply.event_endpoint();
  has_catalog_ = true;
  ++catalog_generation_;
  subscribed_ = true;  // the caller subscribes now, before the snapshot
  last_heard_ms_ = now_ms;
}

bool CloneSession::SnapshotTaken(const v1::Envelope& env, int64_t now_ms, int64_t local_ms) {
  if (env.reply().error().code() != v1::OK) {
    spdlog::error("snapshot refused: {}", env.reply().error().message_en());
    CallFailed();
    return false;
  }
  if (CatalogChanged(env.reply().snapshot().catalog_version())) return false;
  state_.ApplySnapshot(env.reply().snapshot());
  broker_offset_ms_ = env.time_ms() - local_ms;
  ++resyncs_;
  last_heard_ms_ = now_ms;
  connected_ = true;
  return true;
}

void CloneSession::CallFailed() {
  Disconnect();
  subscribed_ = false;  // a fresh connection next time
}

void CloneSession::Disconnect() {
  connected_ = false;
  state_.MarkUnsynced();
}

CloneSession::Heard CloneSession::Published(const v1::Envelope& env, int64_t now_ms,
                                            int64_t local_ms) {
  Heard heard;
  last_heard_ms_ = now_ms;
  if (env.has_event()) {
    const auto r = state_.ApplyEvent(env.seq(), env.event(), env.time_ms());
    heard.changed = r == LiveState::EventResult::kApplied;
    // A new catalog: fetch it before the next event, which may call a ticket
    // at a counter only the new catalog has.
    heard.fetch_catalog = heard.changed && env.event().has_catalog_change() &&
                          env.event().catalog_change().version() != catalog_.version();
    if (r == LiveState::EventResult::kGap) {
      spdlog::warn("event gap at seq {} (have {}); resyncing", env.seq(), state_.seq());
      state_.MarkUnsynced();
    }
  } else if (env.has_heartbeat()) {
    const v1::Heartbeat& h = env.heartbeat();
    broker_offset_ms_ = env.time_ms() - local_ms;
    disk_low_ = h.disk_low();
    writes_refused_ = h.writes_refused();
    if (CatalogChanged(h.catalog_version())) state_.MarkUnsynced();
    if (state_.BehindHeartbeat(h.seq())) state_.MarkUnsynced();
    if (state_.BrokerWentBack(h.seq())) {
      spdlog::warn("the broker is back at seq {} (had {}): restored? resyncing", h.seq(),
                   state_.seq());
      state_.MarkUnsynced();
    }
  }
  return heard;
}

void CloneSession::CatalogInForce(bool ok, const v1::Reply& reply) {
  if (ok && reply.has_catalog()) {
    spdlog::info("catalog {} in force", reply.catalog().version());
    catalog_ = reply.catalog();
    ++catalog_generation_;
  } else {
    has_catalog_ = false;  // fetched again by the loop, then a snapshot
    state_.MarkUnsynced();
  }
}

bool CloneSession::Tick(int64_t now_ms) {
  if (!subscribed_ || now_ms - last_heard_ms_ <= silence_ms_) return false;
  Disconnect();
  subscribed_ = false;
  return true;
}

bool CloneSession::CatalogChanged(const std::string& version) {
  if (version.empty() || version == catalog_.version()) return false;
  spdlog::info("the broker's catalog changed ({} -> {}); fetching it", catalog_.version(), version);
  has_catalog_ = false;  // the loop fetches it, then the snapshot again
  return true;
}

}  // namespace mpp
