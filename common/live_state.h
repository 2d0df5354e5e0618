// LiveState: a client's copy of the broker's state, kept by the Clone pattern
// (docs/PROTOCOL.md section 7). Plain data, no I/O: the network thread feeds
// it snapshots and events; screens read it.
//
// ApplySnapshot replaces everything at seq N; ApplyEvent applies seq N+1 and
// refuses anything else (a gap means: take a new snapshot). Calls learnt from
// events (not from snapshots) are queued as announcements, so a client that
// restarts or resyncs never announces a call twice.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "mpp/v1/mpp.pb.h"

namespace mpp {

struct Announcement {
  v1::Ticket ticket;  // as called (number, service, counter_id)
  bool recall = false;
  uint64_t seq = 0;
  int64_t event_time_ms = 0;  // broker clock when the call was made
};

class LiveState {
 public:
  enum class EventResult { kApplied, kStale, kGap };

  void ApplySnapshot(const v1::Snapshot& snapshot);
  // `time_ms` is the envelope's broker time (kept on announcements).
  EventResult ApplyEvent(uint64_t seq, const v1::Event& event, int64_t time_ms = 0);
  // True when a heartbeat shows events we have not seen (a silent gap).
  bool BehindHeartbeat(uint64_t heartbeat_seq) const { return synced_ && heartbeat_seq > seq_; }
  // True when the broker's heartbeats say an older seq than ours twice in a
  // row: it went back (restored from a backup), so its new events would look
  // stale here. One behind is normal (a snapshot can be ahead of a heartbeat
  // sent while its events waited for the WAL sync).
  bool BrokerWentBack(uint64_t heartbeat_seq) {
    behind_beats_ = synced_ && heartbeat_seq < seq_ ? behind_beats_ + 1 : 0;
    return behind_beats_ >= 2;
  }
  // Forget the sync (after a reconnect); the last state stays visible.
  void MarkUnsynced() { synced_ = false; }

  bool synced() const { return synced_; }
  uint64_t seq() const { return seq_; }
  const std::string& business_day() const { return business_day_; }
  const std::string& ticker() const { return ticker_; }
  const std::map<int, v1::Counter>& counters() const { return counters_; }
  const std::map<int64_t, v1::Ticket>& tickets() const { return tickets_; }
  // Most recent calls, newest first (at most kRecentCalls).
  const std::deque<v1::Ticket>& recent_calls() const { return recent_calls_; }
  // Takes the calls to announce, oldest first.
  std::vector<Announcement> TakeAnnouncements();

  static constexpr size_t kRecentCalls = 20;

 private:
  bool synced_ = false;
  uint64_t seq_ = 0;
  int behind_beats_ = 0;
  std::string business_day_;
  std::string ticker_;
  std::map<int, v1::Counter> counters_;
  std::map<int64_t, v1::Ticket> tickets_;  // open tickets of the day
  std::deque<v1::Ticket> recent_calls_;
  std::vector<Announcement> announcements_;
};

}  // namespace mpp
