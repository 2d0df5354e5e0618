#include "broker/core/forecast.h"

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <queue>
#include <utility>

namespace mpp::core {
namespace {

using Iter = std::set<CallOrderKey>::const_iterator;

// One queue as the replay sees it: its walk-ins and its on-time appointments
// not yet called, each in call order, and (ReplayCallRule) the forecast
// ticket itself when it is not stored - a walk-in.
class QueueHeads {
 public:
  explicit QueueHeads(const ForecastQueue& q) : appts_(q.appointments) {
    static const std::set<CallOrderKey> kNone;
    const auto& all = q.waiting ? *q.waiting : kNone;
    walk_ = all.begin();
    walk_end_ = all.end();
    const auto& appts = appts_ ? *appts_ : kNone;
    appt_ = appts.begin();
    appt_end_ = appts.end();
    SkipAppointments();
  }
  void AddWalkIn(const CallOrderKey& key) {
    extra_ = key;
    has_extra_ = true;
  }
  bool WalkHead(CallOrderKey* k) const {
    const bool stored = walk_ != walk_end_;
    if (has_extra_ && (!stored || extra_ < *walk_)) {
      *k = extra_;
      return true;
    }
    if (stored) *k = *walk_;
    return stored;
  }
  bool AppointmentHead(CallOrderKey* k) const {
    if (appt_ == appt_end_) return false;
    *k = *appt_;
    return true;
  }
  void Pop(const CallOrderKey& k, bool appointment) {
    if (appointment) {
      ++appt_;
    } else if (has_extra_ && k == extra_) {
      has_extra_ = false;
    } else {
      ++walk_;
      SkipAppointments();
    }
  }
  // The stored keys not yet called, in call order, until `visit` returns false.
  template <typename Visit>
  void ForEachLeft(Visit visit) const {
    Iter w = walk_, a = appt_;
    while (w != walk_end_ || a != appt_end_) {
      const bool take_appt = a != appt_end_ && (w == walk_end_ || *a < *w);
      if (!visit(take_appt ? *a : *w)) return;
      if (take_appt) {
        ++a;
      } else {
        ++w;
        while (w != walk_end_ && appts_ && appts_->count(*w)) ++w;
      }
    }
  }

 private:
  void SkipAppointments() {
    while (walk_ != walk_end_ && appts_ && appts_->count(*walk_)) ++walk_;
  }
  const std::set<CallOrderKey>* appts_;
  Iter walk_, walk_end_, appt_, appt_end_;
  CallOrderKey extra_;
  bool has_extra_ = false;
};

struct Pick {
  size_t queue = 0;
  CallOrderKey key;
  bool appointment = false;
};

// The call rule at one counter (docs/PROTOCOL.md section 10): the smallest
// head among its queues; after an on-time appointment, the smallest walk-in
// if one waits.
std::optional<Pick> PickNext(const std::vector<QueueHeads>& heads, const ForecastDesk& desk,
                             bool last_appointment) {
  std::optional<Pick> walk, appt;
  for (size_t q : desk.queues) {
    CallOrderKey k;
    if (heads[q].WalkHead(&k) && (!walk || k < walk->key)) walk = Pick{q, k, false};
    if (heads[q].AppointmentHead(&k) && (!appt || k < appt->key)) appt = Pick{q, k, true};
  }
  if (!appt) return walk;
  if (!walk) return appt;
  if (last_appointment || walk->key < appt->key) return walk;
  return appt;
}

// Earliest-free counter first; ties by desk order (deterministic).
using FreeAt = std::pair<Millis, size_t>;
using FreeQueue = std::priority_queue<FreeAt, std::vector<FreeAt>, std::greater<>>;

}  // namespace

Forecast ReplayCallRule(const std::vector<ForecastQueue>& queues,
                        const std::vector<ForecastDesk>& desks, size_t target,
                        const CallOrderKey& key, Millis now, int max_calls) {
  Forecast f;
  auto serves_target = [&](const ForecastDesk& d) {
    return std::find(d.queues.begin(), d.queues.end(), target) != d.queues.end();
  };
  FreeQueue free;
  std::vector<bool> last_appt(desks.size());
  int target_desks = 0;
  for (size_t i = 0; i < desks.size(); ++i) {
    if (desks[i].queues.empty()) continue;
    free.push({std::max(now, desks[i].free_at), i});
    last_appt[i] = desks[i].last_appointment;
    target_desks += serves_target(desks[i]) ? 1 : 0;
  }
  if (target_desks == 0) return f;  // nobody open can call it: no basis for a forecast
  f.known = true;
  std::vector<QueueHeads> heads(queues.begin(), queues.end());
  const std::set<CallOrderKey>* stored = queues[target].waiting;
  if (!stored || !stored->count(key)) heads[target].AddWalkIn(key);
  size_t consumed = 0;  // stored keys of the target queue called so far
  for (int calls = 0; !free.empty(); ++calls) {
    auto [at, d] = free.top();
    free.pop();
    if (calls == max_calls) {
      // Past the replay's budget: the rest of the ticket's own queue at the
      // pace of the counters serving it. Keys before it still waiting are
      // counted in O(1) for a key after every waiting one (a ticket issued
      // now), else walked.
      int rest = 0;
      if (stored && !stored->empty()) {
        if (*stored->rbegin() < key) {
          rest = static_cast<int>(stored->size() - consumed);
        } else {
          heads[target].ForEachLeft([&](const CallOrderKey& k) {
            if (!(k < key)) return false;
            ++rest;
            return true;
          });
        }
      }
      f.ahead += rest;
      f.wait_ms = at - now + static_cast<Millis>(rest) * queues[target].service_ms / target_desks;
      return f;
    }
    const std::optional<Pick> pick = PickNext(heads, desks[d], last_appt[d]);
    if (!pick) continue;  // its queues are empty for good: this counter is done
    if (pick->queue == target && pick->key == key) {
      f.wait_ms = at - now;
      return f;
    }
    heads[pick->queue].Pop(pick->key, pick->appointment);
    last_appt[d] = pick->appointment;
    if (pick->queue == target) ++consumed;
    if (serves_target(desks[d])) ++f.ahead;
    free.push({at + queues[pick->queue].service_ms, d});
  }
  return f;  // not reached: a counter serving the target always finds it
}

std::vector<Forecast> ReplayCallRuleFor(const std::vector<ForecastQueue>& queues,
                                        const std::vector<ForecastDesk>& desks,
                                        const std::vector<ForecastTarget>& targets, Millis now,
                                        int max_calls) {
  std::vector<Forecast> out(targets.size());
  const size_t nq = queues.size();
  // Per queue: the open counters that serve it, and the calls they made so
  // far in the replay (what "ahead" counts for a ticket of that queue).
  std::vector<int> serving(nq, 0), ahead(nq, 0);
  FreeQueue free;
  std::vector<bool> last_appt(desks.size());
  for (size_t i = 0; i < desks.size(); ++i) {
    if (desks[i].queues.empty()) continue;
    free.push({std::max(now, desks[i].free_at), i});
    last_appt[i] = desks[i].last_appointment;
    for (size_t q : desks[i].queues) ++serving[q];
  }
  std::map<std::pair<size_t, CallOrderKey>, std::vector<size_t>> open;  // not yet called
  for (size_t t = 0; t < targets.size(); ++t) {
    if (serving[targets[t].queue] == 0) continue;  // unknown: no open counter serves it
    out[t].known = true;
    open[{targets[t].queue, targets[t].key}].push_back(t);
  }
  if (open.empty()) return out;  // no open counter serves any of them
  std::vector<QueueHeads> heads(queues.begin(), queues.end());
  for (int calls = 0; !free.empty() && !open.empty(); ++calls) {
    auto [at, d] = free.top();
    free.pop();
    if (calls == max_calls) {
      // As ReplayCallRule: the rest of each ticket's own queue at the pace of
      // the counters serving it. Each queue is walked once from its heads.
      const Millis cut_at = at;  // (a structured binding cannot be captured in C++17)
      for (size_t q = 0; q < nq; ++q) {
        auto first = open.lower_bound({q, CallOrderKey{}});
        int rest = 0;
        heads[q].ForEachLeft([&](const CallOrderKey& k) {
          if (first == open.end() || first->first.first != q) return false;
          if (k == first->first.second) {
            for (size_t t : first->second) {
              out[t].ahead = ahead[q] + rest;
              out[t].wait_ms =
                  cut_at - now + static_cast<Millis>(rest) * queues[q].service_ms / serving[q];
            }
            first = open.erase(first);
          }
          ++rest;
          return true;
        });
      }
      return out;
    }
    const std::optional<Pick> pick = PickNext(heads, desks[d], last_appt[d]);
    if (!pick) continue;  // its queues are empty for good: this counter is done
    if (auto it = open.find({pick->queue, pick->key}); it != open.end()) {
      for (size_t t : it->second) {
        out[t].ahead = ahead[pick->queue];
        out[t].wait_ms = at - now;
      }
      open.erase(it);
    }
    heads[pick->queue].Pop(pick->key, pick->appointment);
    last_appt[d] = pick->appointment;
    for (size_t q : desks[d].queues) ++ahead[q];
    free.push({at + queues[pick->queue].service_ms, d});
  }
  return out;
}

}  // namespace mpp::core
