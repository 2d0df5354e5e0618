// NumberWatch: what a client saw of today's ticket numbers, so that a broker
// restored from an older backup never hands out a number a visitor already
// holds (docs/PROTOCOL.md, "Numbering after a restore").
//
// A client feeds it every ticket it sees (snapshots, events, its own issue
// replies) and each snapshot. When a snapshot of the same business day says a
// prefix's last number is below one the client saw, Check() returns the
// `report_numbers` request to send; the broker then raises its numbering past
// it. Plain data, no I/O.
//
// REQUIRES: external synchronization.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "mpp/v1/mpp.pb.h"

namespace mpp {

class NumberWatch {
 public:
  // A ticket the client saw (any state). Tickets of another day than the one
  // watched start a new day only when they are later.
  void See(const v1::Ticket& ticket);
  // Takes in a snapshot (its tickets and recent calls count as seen) and
  // returns the report to send when the client saw higher numbers than the
  // snapshot's `last_numbers` - once per set of numbers.
  std::optional<v1::Request> Check(const v1::Snapshot& snapshot);

  const std::string& business_day() const { return day_; }
  const std::map<std::string, int>& last_seen() const { return seen_; }

 private:
  void StartDay(const std::string& day);

  std::string day_;
  std::map<std::string, int> seen_;      // prefix -> highest number seen on day_
  std::map<std::string, int> reported_;  // what was last reported, not to repeat it
};

}  // namespace mpp
