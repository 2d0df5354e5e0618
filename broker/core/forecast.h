// Forecast: when will a waiting ticket be called, and how many tickets will
// be called before it at the counters that can serve it?
//
// A replay of the call rule (docs/PROTOCOL.md section 10) over the counters
// open now: each counter becomes free when its current ticket should be done
// (the service's expected service time after it started), then calls the
// smallest call-order key among the heads of the queues it serves - but after
// an on-time appointment a walk-in if one waits (at most every other call is
// an appointment) - and is busy for that service's expected time. Counters shared by several
// services therefore count every ticket they will call first, of any service, and a priority ticket
// of another service is ahead of a regular one.
//
// Pure: no clock, no I/O. The queues are the core's own waiting sets, read in
// place; the replay stops at `max_calls` calls and extrapolates the rest at
// the pace of the counters serving the ticket's queue.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "broker/core/queue_core.h"

namespace mpp::core {

// Calls replayed before the rest is extrapolated: a hall's queue is a few
// hundred tickets; the budget bounds the reactor's work per reply.
inline constexpr int kMaxReplayCalls = 500;

struct ForecastQueue {
  const std::set<CallOrderKey>* waiting = nullptr;  // may be null: nobody waits
  Millis service_ms = 0;                            // expected time at the counter for one ticket
  // The keys of `waiting` that are on-time appointments (may be null: none).
  const std::set<CallOrderKey>* appointments = nullptr;
};

struct ForecastDesk {
  std::vector<size_t> queues;     // indexes into the queue list, the services it serves
  Millis free_at = 0;             // when its current ticket should be done (now if none)
  bool last_appointment = false;  // its last call was an on-time appointment
};

struct Forecast {
  bool known = false;  // false: no open counter serves the ticket's queue
  int ahead = 0;       // tickets called before it by counters that can serve it
  Millis wait_ms = 0;  // from `now` until it is called
};

// Replays the call rule from `now` until the ticket with `key` in queue
// `target` is called. `key` need not be in the queue: a key not stored is a
// walk-in (after every waiting one: a ticket issued now).
Forecast ReplayCallRule(const std::vector<ForecastQueue>& queues,
                        const std::vector<ForecastDesk>& desks, size_t target,
                        const CallOrderKey& key, Millis now, int max_calls = kMaxReplayCalls);

// The forecasts of many waiting tickets at once (the web gateway's
// ticket_status for every page it follows): one replay for all of them
// instead of one each, with the same figures ReplayCallRule gives each -
// also past `max_calls`, extrapolated the same way. Each target's key must
// be in its queue.
struct ForecastTarget {
  size_t queue = 0;
  CallOrderKey key;
};
std::vector<Forecast> ReplayCallRuleFor(const std::vector<ForecastQueue>& queues,
                                        const std::vector<ForecastDesk>& desks,
                                        const std::vector<ForecastTarget>& targets, Millis now,
                                        int max_calls = kMaxReplayCalls);

}  // namespace mpp::core
