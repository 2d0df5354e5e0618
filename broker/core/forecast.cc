#include "broker/core/forecast.h"

#include <algorithm>
#include <functional>
#include <iterator>
#include <map>
#include <queue>
#include <utility>

namespace mpp::core {

Forecast ReplayCallRule(const std::vector<ForecastQueue>& queues,
                        const std::vector<ForecastDesk>& desks, size_t target,
                        const CallOrderKey& key, Millis now, int max_calls) {
  Forecast f;
  using Iter = std::set<CallOrderKey>::const_iterator;
  std::vector<Iter> head(queues.size());
  std::vector<Iter> end(queues.size());
  size_t consumed = 0;  // keys of the target queue called so far
  static const std::set<CallOrderKey> kNone;
  for (size_t q = 0; q < queues.size(); ++q) {
    const auto& set = queues[q].waiting ? *queues[q].waiting : kNone;
    head[q] = set.begin();
    end[q] = set.end();
  }
  auto serves_target = [&](const ForecastDesk& d) {
    return std::find(d.queues.begin(), d.queues.end(), target) != d.queues.end();
  };
  // Earliest-free counter first; ties by desk order (deterministic).
  using Slot = std::pair<Millis, size_t>;
  std::priority_queue<Slot, std::vector<Slot>, std::greater<>> free;
  int target_desks = 0;
  for (size_t i = 0; i < desks.size(); ++i) {
    if (desks[i].queues.empty()) continue;
    free.push({std::max(now, desks[i].free_at), i});
    target_desks += serves_target(desks[i]) ? 1 : 0;
  }
  if (target_desks == 0) return f;  // nobody open can call it: no basis for a forecast
  f.known = true;
  // The head of a queue as the call rule sees it; the target is the head of
  // its queue once every key before it is gone (also when it is not stored).
  auto head_key = [&](size_t q, CallOrderKey* out) {
    if (q == target) {
      *out = head[q] != end[q] && *head[q] < key ? *head[q] : key;
      return true;
    }
    if (head[q] == end[q]) return false;
    *out = *head[q];
    return true;
  };
  for (int calls = 0; !free.empty(); ++calls) {
    auto [at, d] = free.top();
    free.pop();
    if (calls == max_calls) {
      // Past the replay's budget: the rest of the ticket's own queue at the
      // pace of the counters serving it.
      // Keys before it still waiting in its queue: counted in O(1) for a key
      // after every waiting one (a ticket issued now), else walked.
      const std::set<CallOrderKey>* w = queues[target].waiting;
      int rest = 0;
      if (w && !w->empty()) {
        rest = *w->rbegin() < key
                   ? static_cast<int>(w->size() - consumed)
                   : static_cast<int>(std::distance(head[target], w->lower_bound(key)));
      }
      f.ahead += rest;
      f.wait_ms = at - now + static_cast<Millis>(rest) * queues[target].service_ms / target_desks;
      return f;
    }
    bool found = false;
    size_t best_q = 0;
    CallOrderKey best;
    for (size_t q : desks[d].queues) {
      CallOrderKey k;
      if (head_key(q, &k) && (!found || k < best)) {
        best = k;
        best_q = q;
        found = true;
      }
    }
    if (!found) continue;  // its queues are empty for good: this counter is done
    if (best_q == target && best == key) {
      f.wait_ms = at - now;
      return f;
    }
    ++head[best_q];
    if (best_q == target) ++consumed;
    if (serves_target(desks[d])) ++f.ahead;
    free.push({at + queues[best_q].service_ms, d});
  }
  return f;  // not reached: a counter serving the target always finds it
}

std::vector<Forecast> ReplayCallRuleFor(const std::vector<ForecastQueue>& queues,
                                        const std::vector<ForecastDesk>& desks,
                                        const std::vector<ForecastTarget>& targets, Millis now,
                                        int max_calls) {
  std::vector<Forecast> out(targets.size());
  using Iter = std::set<CallOrderKey>::const_iterator;
  static const std::set<CallOrderKey> kNone;
  const size_t nq = queues.size();
  std::vector<Iter> head(nq), end(nq);
  for (size_t q = 0; q < nq; ++q) {
    const auto& set = queues[q].waiting ? *queues[q].waiting : kNone;
    head[q] = set.begin();
    end[q] = set.end();
  }
  // Per queue: the open counters that serve it, and the calls they made so
  // far in the replay (what "ahead" counts for a ticket of that queue).
  std::vector<int> serving(nq, 0), ahead(nq, 0);
  using Slot = std::pair<Millis, size_t>;
  std::priority_queue<Slot, std::vector<Slot>, std::greater<>> free;
  for (size_t i = 0; i < desks.size(); ++i) {
    if (desks[i].queues.empty()) continue;
    free.push({std::max(now, desks[i].free_at), i});
    for (size_t q : desks[i].queues) ++serving[q];
  }
  std::map<std::pair<size_t, CallOrderKey>, std::vector<size_t>> open;  // not yet called
  for (size_t t = 0; t < targets.size(); ++t) {
    if (serving[targets[t].queue] == 0) continue;  // unknown: no open counter serves it
    out[t].known = true;
    open[{targets[t].queue, targets[t].key}].push_back(t);
  }
  for (int calls = 0; !free.empty() && !open.empty(); ++calls) {
    auto [at, d] = free.top();
    free.pop();
    if (calls == max_calls) {
      // As ReplayCallRule: the rest of each ticket's own queue at the pace of
      // the counters serving it. Each queue is walked once from its head.
      for (size_t q = 0; q < nq; ++q) {
        auto first = open.lower_bound({q, CallOrderKey{}});
        if (first == open.end() || first->first.first != q) continue;
        int rest = 0;
        for (Iter it = head[q]; it != end[q] && first != open.end() && first->first.first == q;
             ++it, ++rest) {
          if (*it != first->first.second) continue;
          for (size_t t : first->second) {
            out[t].ahead = ahead[q] + rest;
            out[t].wait_ms =
                at - now + static_cast<Millis>(rest) * queues[q].service_ms / serving[q];
          }
          first = open.erase(first);
        }
      }
      return out;
    }
    bool found = false;
    size_t best_q = 0;
    CallOrderKey best;
    for (size_t q : desks[d].queues) {
      if (head[q] != end[q] && (!found || *head[q] < best)) {
        best = *head[q];
        best_q = q;
        found = true;
      }
    }
    if (!found) continue;  // its queues are empty for good: this counter is done
    if (auto it = open.find({best_q, best}); it != open.end()) {
      for (size_t t : it->second) {
        out[t].ahead = ahead[best_q];
        out[t].wait_ms = at - now;
      }
      open.erase(it);
    }
    ++head[best_q];
    for (size_t q : desks[d].queues) ++ahead[q];
    free.push({at + queues[best_q].service_ms, d});
  }
  return out;
}

}  // namespace mpp::core
