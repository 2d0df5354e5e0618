// CloneSession: the client side of the Clone pattern (docs/PROTOCOL.md
// section 7) as a state machine with no socket and no clock, so that every
// resync rule is unit-tested (common/clone_session_test.cc). CloneClient runs
// it on its network thread and does the I/O it asks for:
//
//   Next() == kFetchCatalog: get_catalog, then CatalogFetched (or CallFailed);
//             the caller subscribes to the events afresh (a new SUB socket).
//   Next() == kSnapshot:     snapshot, then SnapshotTaken (or CallFailed).
//   Next() == kListen:       read the SUB socket; each envelope to Published,
//                            and when it says so, fetch the new catalog at once
//                            (CatalogInForce, or CallFailed).
//   Tick(now) after each wait: silence past silence_ms drops the subscription.
//
// Times are the caller's steady clock in milliseconds; `local_ms` (wall clock)
// only measures the broker's clock offset.
#pragma once

#include <cstdint>
#include <string>

#include "common/live_state.h"
#include "mpp/v1/mpp.pb.h"

namespace mpp {

class CloneSession {
 public:
  enum class Step { kFetchCatalog, kSnapshot, kListen };
  explicit CloneSession(int64_t silence_ms = 3000) : silence_ms_(silence_ms) {}

  Step Next() const;

  // A get_catalog answer (the reply of an OK envelope): the catalog is held
  // and the events are to be heard from now on; a snapshot follows.
  void CatalogFetched(const v1::Reply& reply, int64_t now_ms);
  // A snapshot answer. Returns false, and takes nothing, when the broker's
  // catalog is not the one held (it is fetched first) or the broker refused.
  bool SnapshotTaken(const v1::Envelope& env, int64_t now_ms, int64_t local_ms);
  // A call that went unanswered, or a refused snapshot: disconnected, and the
  // subscription is made afresh with the next catalog fetch.
  void CallFailed();

  struct Heard {
    bool changed = false;        // the state changed: redraw
    bool fetch_catalog = false;  // a catalog change event: fetch it before the next event
  };
  // An envelope from the SUB socket (an event or a heartbeat).
  Heard Published(const v1::Envelope& env, int64_t now_ms, int64_t local_ms);
  // The catalog fetched after a catalog change event; `ok` false: it could
  // not be, so it is fetched again by the loop, then a snapshot.
  void CatalogInForce(bool ok, const v1::Reply& reply);
  // Time passed without a message: true when it just went silent (no event
  // and no heartbeat for silence_ms) - disconnected, subscription dropped.
  bool Tick(int64_t now_ms);

  const LiveState& state() const { return state_; }
  LiveState& mutable_state() { return state_; }  // announcements are taken from it
  const v1::Catalog& catalog() const { return catalog_; }
  bool has_catalog() const { return has_catalog_; }
  bool subscribed() const { return subscribed_; }
  bool connected() const { return connected_; }
  uint64_t catalog_generation() const { return catalog_generation_; }
  uint64_t resyncs() const { return resyncs_; }
  int64_t broker_offset_ms() const { return broker_offset_ms_; }
  bool disk_low() const { return disk_low_; }
  bool writes_refused() const { return writes_refused_; }
  const std::string& event_endpoint() const { return event_endpoint_; }

 private:
  // True (and the catalog marked for fetching) when `version` is not the held one.
  bool CatalogChanged(const std::string& version);
  void Disconnect();

  int64_t silence_ms_;
  LiveState state_;
  v1::Catalog catalog_;
  bool has_catalog_ = false;
  bool subscribed_ = false;
  bool connected_ = false;
  uint64_t catalog_generation_ = 0;
  uint64_t resyncs_ = 0;
  int64_t broker_offset_ms_ = 0;
  bool disk_low_ = false, writes_refused_ = false;
  int64_t last_heard_ms_ = 0;
  std::string event_endpoint_;  // as the broker reported it
};

}  // namespace mpp
