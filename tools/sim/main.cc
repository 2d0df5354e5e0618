// mpp-sim: a simulated MPP day driven through the real broker and the real
// protocol, for demos, reports and load that looks like a real hall.
//
//   mpp-broker --clock-start 2026-11-30T07:00:00+07:00 --clock-scale 480 ...
//   mpp-sim --broker tcp://127.0.0.1:5555 [--until 12:00] [--counters 1,2,7]
//
// It reads the catalog and the clock from the broker (Status.clock_scale is
// the speed-up), signs an operator in at every counter, issues tickets as
// visitors arrive (peaking 08.00-11.00), and works each counter: call,
// sometimes nobody comes (recalls, then no-show), serve for a lognormal time
// around the service's standard, sometimes transfer, finish, and rate on the
// pad. Counters take the MPP's break in two shifts. When arrivals end the
// counters work off their queues and sign out. Exit 0 when the day is done,
// 1 when the broker refuses the day (holiday, closed), 3 when unreachable.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "common/catalog.h"
#include "common/cli.h"
#include "common/client.h"
#include "common/keys.h"
#include "common/logging.h"
#include "common/mutex.h"
#include "common/time_util.h"
#include "common/wire.h"
#include "tools/sim/day_plan.h"

namespace {

namespace v1 = mpp::v1;
using mpp::Millis;

std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop.store(true); }

// The broker's clock as seen from here: its time at a steady instant, and its speed.
class SimClock {
 public:
  SimClock(Millis broker_now, double scale)
      : base_(broker_now), scale_(scale), steady_base_(std::chrono::steady_clock::now()) {}
  Millis Now() const {
    const double real_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - steady_base_)
            .count();
    return base_ + static_cast<Millis>(real_ms * scale_);
  }
  // Waits until the broker's clock reads `t` (returns early on stop).
  void SleepUntil(Millis t) const {
    while (!g_stop.load()) {
      const Millis left = t - Now();
      if (left <= 0) return;
      const double real_ms = std::min(static_cast<double>(left) / scale_, 200.0);
      std::this_thread::sleep_for(std::chrono::microseconds(static_cast<int64_t>(real_ms * 1000)));
    }
  }
  void SleepMinutes(double minutes) const {
    SleepUntil(Now() + static_cast<Millis>(minutes * 60000));
  }

 private:
  Millis base_;
  double scale_;
  std::chrono::steady_clock::time_point steady_base_;
};

struct Tally {
  std::atomic<int> issued{0}, refused{0}, called{0}, served{0}, no_show{0}, transferred{0},
      rated{0}, skm_forms{0}, errors{0};
  std::atomic<int> booked{0}, checked_in{0}, checked_in_late{0}, booking_missed{0};
};

struct Shared {
  const mpp::CatalogIndex* catalog = nullptr;
  const SimClock* clock = nullptr;
  zmq::context_t* context = nullptr;
  std::string broker;
  std::string pin;
  Millis day_midnight = 0;
  Millis until = 0;
  Millis open = 0;  // the MPP's opening today
  int weekday = 0;
  double rate_share = 0.6;
  uint64_t seed = 1;
  std::atomic<bool> arrivals_done{false};
  Tally tally;
  mpp::Mutex log_mu;
  // How honest the tickets were: the wait each visitor was told at issue,
  // and |told - real| once the ticket was called (docs/BENCHMARKS.md).
  mpp::Mutex estimate_mu;
  std::map<int64_t, Millis> told GUARDED_BY(estimate_mu);
  std::vector<Millis> errors GUARDED_BY(estimate_mu);
};

// Sends a request; refusals come back as replies, an unreachable broker as nullopt.
std::optional<v1::Reply> Send(mpp::BrokerClient& c, const v1::Request& r, Tally& tally) {
  auto env = c.Call(r);
  if (!env.ok()) {
    ++tally.errors;
    spdlog::warn("broker did not answer: {}", env.status().message());
    return std::nullopt;
  }
  return env->reply();
}

// Some visitors of services that take appointments booked a slot (on the
// web, before the day): each books the first free slot from their arrival
// on, then comes to the kiosk when PlanBookedVisit says - or never.
void BookAhead(Shared& s, std::vector<mpp::sim::Arrival>* plan, std::mt19937_64& rng) {
  mpp::BrokerClient web(s.context, s.broker, "sim-web");
  std::map<std::string, std::vector<v1::AppointmentSlot>> slots;  // today's, per service
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<mpp::sim::Arrival> out;
  for (mpp::sim::Arrival a : *plan) {
    const v1::Service* svc = s.catalog->FindService(a.service);
    if (!svc || svc->appointments().slot_min() <= 0 || a.priority != v1::PRIORITY_NONE ||
        unit(rng) >= mpp::sim::kBookingShare) {
      out.push_back(std::move(a));
      continue;
    }
    if (!slots.count(a.service)) {
      v1::Request list;
      list.mutable_list_slots()->set_service(a.service);
      list.mutable_list_slots()->set_day(s.catalog->BusinessDay(a.at));
      auto reply = Send(web, list, s.tally);
      auto& mine = slots[a.service];
      if (reply) mine.assign(reply->slots().slots().begin(), reply->slots().slots().end());
    }
    v1::AppointmentSlot* slot = nullptr;
    for (auto& sl : slots[a.service]) {
      if (sl.start_ms() >= a.at && sl.free() > 0) {
        slot = &sl;
        break;
      }
    }
    if (!slot) {  // fully booked from then on: a walk-in after all
      out.push_back(std::move(a));
      continue;
    }
    v1::Request book;
    book.mutable_book()->set_service(a.service);
    book.mutable_book()->set_day(slot->day());
    book.mutable_book()->set_start_min(slot->start_min());
    auto reply = Send(web, book, s.tally);
    if (!reply || reply->error().code() != v1::OK) {
      out.push_back(std::move(a));
      continue;
    }
    slot->set_free(slot->free() - 1);
    ++s.tally.booked;
    const auto visit = mpp::sim::PlanBookedVisit(slot->start_ms(), rng);
    if (!visit) {
      ++s.tally.booking_missed;
      continue;
    }
    a.at = std::max(*visit, s.clock->Now());
    a.booking = reply->booking().code();
    out.push_back(std::move(a));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& x, const auto& y) { return x.at < y.at; });
  *plan = std::move(out);
}

void RunArrivals(Shared& s, const std::vector<mpp::sim::Arrival>& plan) {
  mpp::BrokerClient kiosk(s.context, s.broker, "sim-kiosk");
  for (const auto& a : plan) {
    s.clock->SleepUntil(a.at);
    if (g_stop.load()) break;
    v1::Request r;
    if (a.booking.empty()) {
      r.mutable_issue()->set_service(a.service);
      r.mutable_issue()->set_priority(a.priority);
      r.mutable_issue()->set_source(v1::KIOSK);
      r.mutable_issue()->set_source_id("sim-kiosk");
    } else {
      r.mutable_check_in()->set_code(a.booking);  // the booking's QR at the kiosk's scanner
    }
    auto reply = Send(kiosk, r, s.tally);
    if (!reply) continue;
    if (reply->error().code() == v1::OK) {
      ++s.tally.issued;
      if (!a.booking.empty()) {
        ++s.tally.checked_in;
        s.tally.checked_in_late += reply->ticket().appointment_late() ? 1 : 0;
      }
      mpp::MutexLock lock(&s.estimate_mu);
      s.told[reply->ticket().id()] = reply->estimated_wait_ms();
    } else {
      ++s.tally.refused;  // quota reached, service closed: the visitor goes home
    }
  }
  s.arrivals_done.store(true);
}

// The MPP's break on this weekday, if any: [start, end) in UTC ms.
std::optional<std::pair<Millis, Millis>> BreakOf(const Shared& s) {
  for (const auto& b : s.catalog->catalog().breaks()) {
    if (b.weekday() != s.weekday) continue;
    return std::make_pair(s.day_midnight + b.hours().start().minutes() * 60000LL,
                          s.day_midnight + b.hours().end().minutes() * 60000LL);
  }
  return std::nullopt;
}

std::string BreakLabel(const Shared& s) {
  for (const auto& b : s.catalog->catalog().breaks()) {
    if (b.weekday() == s.weekday && !b.hours().label().empty()) return b.hours().label();
  }
  return "Istirahat";
}

// Other services of the same agency (transfer targets).
std::vector<std::string> Siblings(const mpp::CatalogIndex& cat, const std::string& service) {
  std::vector<std::string> out;
  const v1::Service* svc = cat.FindService(service);
  if (!svc) return out;
  for (const auto& other : cat.catalog().services()) {
    if (other.agency() == svc->agency() && other.code() != service) out.push_back(other.code());
  }
  return out;
}

void RunCounter(Shared& s, int counter_id) {
  const std::string op = "sim-" + std::to_string(counter_id);
  mpp::BrokerClient desk(s.context, s.broker, "sim-counter-" + std::to_string(counter_id));
  mpp::BrokerClient pad(s.context, s.broker, "sim-pad-" + std::to_string(counter_id));
  std::mt19937_64 rng(s.seed * 1000003 + static_cast<uint64_t>(counter_id));
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  auto request = [&](auto fill) {
    v1::Request r;
    fill(r);
    return Send(desk, r, s.tally);
  };

  // Sign in; on a refusal (first run: the operator does not exist yet) add or
  // reset the simulated operator and try again. Argon2id makes each PIN hash
  // or check take ~0.3 s on the broker's PIN thread, once or twice per counter.
  // A broker busy checking other PINs (every counter signs in at opening)
  // answers UNAVAILABLE: wait and ask again, as a counter does (0.2 s, then
  // doubling, up to ~25 s in all); only a real refusal resets the operator.
  auto sign_in = [&] {
    std::optional<v1::Reply> reply;
    for (int delay_ms = 200; delay_ms <= 12800; delay_ms *= 2) {
      reply = request([&](v1::Request& r) {
        r.mutable_sign_in()->set_counter_id(counter_id);
        r.mutable_sign_in()->set_operator_id(op);
        r.mutable_sign_in()->set_pin(s.pin);
      });
      if (!reply || reply->error().code() != v1::UNAVAILABLE || g_stop.load()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    }
    return reply;
  };
  auto in = sign_in();
  if (in && in->error().code() == v1::NOT_PERMITTED) {
    request([&](v1::Request& r) {
      r.mutable_set_operator()->set_operator_id(op);
      r.mutable_set_operator()->set_name("Petugas simulasi loket " + std::to_string(counter_id));
      r.mutable_set_operator()->set_pin(s.pin);
    });
    in = sign_in();
  }
  if (!in || in->error().code() != v1::OK) {
    mpp::MutexLock lock(&s.log_mu);
    std::cerr << "mpp-sim: counter " << counter_id
              << " could not sign in: " << (in ? in->error().message_en() : "no answer") << "\n";
    ++s.tally.errors;
    return;
  }

  if (s.clock->Now() > s.open + 60000) {
    mpp::MutexLock lock(&s.log_mu);
    std::cerr << "mpp-sim: warning: counter " << counter_id << " opened at "
              << mpp::FormatIsoLocal(s.clock->Now(), s.catalog->utc_offset_min()).substr(11, 5)
              << ", after the MPP opened: each PIN check takes ~0.3 s on the broker's PIN thread, "
                 "which is long on a fast clock. Start the broker's clock earlier and add the "
                 "operators first with --prepare-operators.\n";
  }
  const auto brk = BreakOf(s);
  // Two shifts: even counters rest in the first half of the break, odd ones in the second.
  std::optional<std::pair<Millis, Millis>> my_break;
  if (brk) {
    const Millis mid = (brk->first + brk->second) / 2;
    my_break =
        counter_id % 2 == 0 ? std::make_pair(brk->first, mid) : std::make_pair(mid, brk->second);
  }
  bool rested = false;
  int empty_after_close = 0;
  while (!g_stop.load()) {
    const Millis now = s.clock->Now();
    if (my_break && !rested && now >= my_break->first && now < my_break->second) {
      rested = true;
      request([&](v1::Request& r) {
        r.mutable_pause()->set_counter_id(counter_id);
        r.mutable_pause()->set_reason(BreakLabel(s));
      });
      s.clock->SleepUntil(my_break->second);
      request([&](v1::Request& r) {
        r.mutable_open()->set_counter_id(counter_id);
        r.mutable_open()->set_operator_id(op);
      });
      continue;
    }
    auto called =
        request([&](v1::Request& r) { r.mutable_call_next()->set_counter_id(counter_id); });
    if (!called) {
      s.clock->SleepMinutes(1);
      continue;
    }
    if (called->error().code() != v1::OK) {
      // Nobody waiting. After the last arrival, two empty calls end the day.
      if (s.arrivals_done.load() && now >= s.until && ++empty_after_close >= 2) break;
      s.clock->SleepMinutes(1);
      continue;
    }
    empty_after_close = 0;
    ++s.tally.called;
    if (called->ticket().recall_ms().empty() && called->ticket().transfers() == 0) {
      mpp::MutexLock lock(&s.estimate_mu);
      auto told = s.told.find(called->ticket().id());
      if (told != s.told.end()) {
        s.errors.push_back(std::abs(called->ticket().wait_ms() - told->second));
        s.told.erase(told);
      }
    }
    const v1::Ticket ticket = called->ticket();
    if (unit(rng) < 0.05) {  // nobody comes: two recalls, then a no-show
      for (int i = 0; i < 2 && !g_stop.load(); ++i) {
        s.clock->SleepMinutes(1);
        request([&](v1::Request& r) { r.mutable_recall()->set_counter_id(counter_id); });
      }
      s.clock->SleepMinutes(1);
      auto ns = request([&](v1::Request& r) { r.mutable_no_show()->set_counter_id(counter_id); });
      if (ns && ns->error().code() == v1::OK) ++s.tally.no_show;
      continue;
    }
    s.clock->SleepMinutes(0.5 + unit(rng));  // the visitor walks to the counter
    request([&](v1::Request& r) { r.mutable_start()->set_counter_id(counter_id); });
    const v1::Service* svc = s.catalog->FindService(ticket.service());
    const int std_min = svc ? svc->service_std_min() : 10;
    if (unit(rng) < 0.02) {  // wrong queue: sent on to another service of the agency
      const auto targets = Siblings(*s.catalog, ticket.service());
      if (!targets.empty()) {
        s.clock->SleepMinutes(1);
        std::uniform_int_distribution<size_t> pick(0, targets.size() - 1);
        auto tr = request([&](v1::Request& r) {
          r.mutable_transfer()->set_counter_id(counter_id);
          r.mutable_transfer()->set_service(targets[pick(rng)]);
        });
        if (tr && tr->error().code() == v1::OK) {
          ++s.tally.transferred;
          continue;
        }
      }
    }
    s.clock->SleepMinutes(mpp::sim::ServiceMinutes(std_min, rng));
    auto fin = request([&](v1::Request& r) { r.mutable_finish()->set_counter_id(counter_id); });
    if (!fin || fin->error().code() != v1::OK) continue;
    ++s.tally.served;
    if (auto plan = mpp::sim::PlanRating(s.rate_share, rng)) {
      v1::Request r;
      r.mutable_rate()->set_ticket_id(ticket.id());
      r.mutable_rate()->set_counter_id(counter_id);
      r.mutable_rate()->set_score(plan->score);
      for (int v : plan->skm) r.mutable_rate()->add_skm(v);
      auto rated = Send(pad, r, s.tally);
      if (rated && rated->error().code() == v1::OK) {
        ++s.tally.rated;
        s.tally.skm_forms += plan->skm.empty() ? 0 : 1;
      }
    }
  }
  request([&](v1::Request& r) { r.mutable_sign_out()->set_counter_id(counter_id); });
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"mpp-sim - a simulated MPP day through the real broker"};
  app.set_version_flag("--version", MPP_VERSION_STRING);
  std::string broker = "tcp://127.0.0.1:5555";
  std::string until_text, counters_text, pin = "2468", log_level = "warn";
  double volume = 1.0, rate_share = 0.6;
  uint64_t seed = 1;
  bool prepare = false;
  app.add_option("--broker", broker, "broker command endpoint")
      ->envname("MPP_BROKER")
      ->capture_default_str();
  std::string keys_dir;
  app.add_option("--keys", keys_dir,
                 "CURVE keys: DIR/device.key and DIR/broker.pub (a broker with keys)")
      ->envname("MPP_KEYS");
  app.add_flag("--prepare-operators", prepare,
               "only add the operators sim-<counter> with --pin, then exit (run it against the "
               "broker on a real-time clock before the simulated day: each PIN hash takes "
               "~0.3 s on the broker's PIN thread, hours on a fast clock)");
  bool next_day = false;
  app.add_flag("--next-full-day", next_day,
               "only print the first full working day (YYYY-MM-DD) on or after the broker's "
               "business day - open as long as the week's longest day, not a holiday - then exit "
               "(scripts/demo starts its simulated clock there)");
  app.add_option("--until", until_text, "last arrival, HH:MM local (default: the MPP's closing)");
  app.add_option("--counters", counters_text, "only these counters, e.g. 1,2,7 (default: all)");
  app.add_option("--volume", volume, "visitors relative to a normal day")
      ->check(CLI::Range(0.01, 20.0))
      ->capture_default_str();
  app.add_option("--rate-share", rate_share, "share of served visitors who rate")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_option("--seed", seed, "random seed (same seed, same day)")->capture_default_str();
  app.add_option("--pin", pin, "PIN of the simulated operators sim-<counter>")
      ->capture_default_str();
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error")
      ->capture_default_str();
  MPP_PARSE(app, argc, argv);
  if (auto st = mpp::UseClientKeysFrom(keys_dir); !st.ok()) {
    std::cerr << "mpp-sim: " << st.message() << "\n";
    return 2;
  }
  mpp::SetUpLogging("mpp-sim", log_level);

  zmq::context_t context(1);
  mpp::BrokerClient main_client(&context, broker, "sim-main");
  v1::Request q;
  q.mutable_get_catalog();
  auto cat_env = main_client.Call(q);
  if (!cat_env.ok()) {
    std::cerr << "mpp-sim: " << cat_env.status().message() << "\n";
    return 3;
  }
  const mpp::CatalogIndex catalog(cat_env->reply().catalog());
  q.mutable_status();
  auto st_env = main_client.Call(q);
  if (!st_env.ok()) {
    std::cerr << "mpp-sim: " << st_env.status().message() << "\n";
    return 3;
  }
  if (next_day) {
    const std::string today = catalog.BusinessDay(st_env->reply().status().now_ms());
    const auto day = catalog.NextWorkingDay(today, /*full_day=*/true);
    if (!day) {
      std::cerr << "mpp-sim: the catalog has no full working day within a year of " << today
                << "; check [mpp.hours] and the holidays.\n";
      return 1;
    }
    std::cout << *day << std::endl;
    return 0;
  }
  std::vector<int> counters;
  if (counters_text.empty()) {
    for (const auto& c : catalog.catalog().counters()) counters.push_back(c.id());
  } else {
    std::stringstream in(counters_text);
    std::string item;
    while (std::getline(in, item, ',')) {
      const int id = std::atoi(item.c_str());
      if (!catalog.FindCounter(id)) {
        std::cerr << "mpp-sim: counter '" << item << "' is not in the broker's catalog\n";
        return 2;
      }
      counters.push_back(id);
    }
  }

  // Adding operators is done on the real clock before a simulated day, which
  // may be a Sunday or a holiday: none of the day's checks below apply.
  if (prepare) {
    for (int id : counters) {
      v1::Request r;
      r.mutable_set_operator()->set_operator_id("sim-" + std::to_string(id));
      r.mutable_set_operator()->set_name("Petugas simulasi loket " + std::to_string(id));
      r.mutable_set_operator()->set_pin(pin);
      // Bound to the agency of its counter, as a hall's operators should be.
      r.mutable_set_operator()->add_agencies(catalog.FindCounter(id)->agency());
      auto env = main_client.Call(r);
      if (!env.ok() || env->reply().error().code() != v1::OK) {
        std::cerr << "mpp-sim: cannot add operator sim-" << id << ": "
                  << (env.ok() ? env->reply().error().message_en() : env.status().message())
                  << "\n";
        return env.ok() ? 1 : 3;
      }
    }
    std::cout << "mpp-sim: " << counters.size() << " operators sim-<counter> ready (PIN " << pin
              << ")" << std::endl;
    return 0;
  }
  const v1::Status& status = st_env->reply().status();
  const double scale = status.clock_scale() > 0 ? status.clock_scale() : 1.0;
  if (scale < 10) {
    std::cerr << "mpp-sim: warning: the broker's clock runs at " << scale
              << "x, so this day takes as long as a real one. Add the operators with "
                 "--prepare-operators, then restart the broker with e.g. --clock-start "
                 "2026-11-30T07:00:00+07:00 --clock-scale 480 for a day in a minute.\n";
  }
  const SimClock clock(status.now_ms(), scale);
  const int offset = catalog.utc_offset_min();
  const std::string day = catalog.BusinessDay(status.now_ms());
  const Millis midnight = *mpp::LocalMidnightMs(day, offset);
  const int weekday = mpp::ToLocal(midnight, offset).weekday;
  if (const v1::Holiday* h = catalog.HolidayOn(day)) {
    std::cerr << "mpp-sim: " << day << " is a holiday (" << h->name()
              << "); nobody comes. Start the broker's clock on a working day.\n";
    return 1;
  }
  std::optional<v1::Interval> hours;
  for (const auto& d : catalog.catalog().opening_hours()) {
    if (d.weekday() == weekday) hours = d.hours();
  }
  if (!hours) {
    std::cerr << "mpp-sim: the MPP is closed on " << mpp::WeekdayName(weekday) << " " << day
              << "; start the broker's clock on a working day.\n";
    return 1;
  }
  Millis until = midnight + (hours ? hours->end().minutes() : 24 * 60) * 60000LL;
  if (!until_text.empty()) {
    const auto m = mpp::ParseHhMm(until_text);
    if (!m) {
      std::cerr << "mpp-sim: --until '" << until_text << "' is not a time; write e.g. 12:00\n";
      return 2;
    }
    until = std::min<Millis>(until, midnight + *m * Millis{60000});
  }
  if (status.now_ms() >= until) {
    std::cerr << "mpp-sim: the broker's clock (" << mpp::FormatIsoLocal(status.now_ms(), offset)
              << ") is already past the end of the simulated day ("
              << mpp::FormatIsoLocal(until, offset) << ").\n";
    return 1;
  }

  Shared shared;
  shared.catalog = &catalog;
  shared.clock = &clock;
  shared.context = &context;
  shared.broker = broker;
  shared.pin = pin;
  shared.day_midnight = midnight;
  shared.until = until;
  shared.open = midnight + hours->start().minutes() * 60000LL;
  shared.weekday = weekday;
  shared.rate_share = rate_share;
  shared.seed = seed;

  std::mt19937_64 rng(seed);
  // Only services some simulated counter serves get visitors.
  std::set<std::string> served;
  for (int id : counters) {
    for (const auto& svc : catalog.FindCounter(id)->services()) served.insert(svc);
  }
  auto plan = mpp::sim::PlanArrivals(catalog, day, status.now_ms(), until, volume, rng);
  plan.erase(std::remove_if(plan.begin(), plan.end(),
                            [&](const auto& a) { return !served.count(a.service); }),
             plan.end());
  BookAhead(shared, &plan, rng);
  std::cout << "mpp-sim: " << day << " (" << mpp::WeekdayName(weekday) << ") from "
            << mpp::FormatIsoLocal(status.now_ms(), offset) << " to "
            << mpp::FormatIsoLocal(until, offset) << " at " << scale << "x: " << plan.size()
            << " visitors planned, " << counters.size() << " counters" << std::endl;

  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);

  const auto started = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  threads.emplace_back(RunArrivals, std::ref(shared), std::move(plan));
  for (int id : counters) threads.emplace_back(RunCounter, std::ref(shared), id);
  // Progress once per simulated hour.
  std::thread progress([&] {
    Millis next = (clock.Now() / 3600000 + 1) * 3600000;
    while (!g_stop.load() && !(shared.arrivals_done.load() && clock.Now() > until)) {
      clock.SleepUntil(next);
      std::cout << "  " << mpp::FormatIsoLocal(clock.Now(), offset).substr(11, 5) << "  issued "
                << shared.tally.issued << "  served " << shared.tally.served << "  no-show "
                << shared.tally.no_show << std::endl;
      next += 3600000;
    }
  });
  for (auto& t : threads) t.join();
  g_stop.store(true);
  progress.join();
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const Tally& t = shared.tally;
  std::cout << "mpp-sim: day done at " << mpp::FormatIsoLocal(clock.Now(), offset) << " after "
            << static_cast<int>(secs) << " s: issued " << t.issued << " (refused " << t.refused
            << "), called " << t.called << ", served " << t.served << ", no-show " << t.no_show
            << ", transferred " << t.transferred << ", rated " << t.rated << " (" << t.skm_forms
            << " SKM forms)" << (t.errors ? ", " + std::to_string(t.errors) + " errors" : "")
            << std::endl;
  if (t.booked > 0) {
    std::cout << "mpp-sim: bookings " << t.booked << ": checked in " << t.checked_in << " ("
              << t.checked_in_late << " late, served as walk-ins), never came " << t.booking_missed
              << std::endl;
  }
  std::vector<Millis> e;
  {
    mpp::MutexLock lock(&shared.estimate_mu);  // every thread has ended: for the analysis
    e = shared.errors;
  }
  if (!e.empty()) {
    std::sort(e.begin(), e.end());
    const double median =
        e.size() % 2 ? e[e.size() / 2] : (e[e.size() / 2 - 1] + e[e.size() / 2]) / 2.0;
    const auto within = std::count_if(e.begin(), e.end(), [](Millis m) { return m <= 600000; });
    std::printf(
        "mpp-sim: estimated wait at issue vs real wait of %zu called tickets: median absolute "
        "error %.1f min, %.1f%% within +/-10 min\n",
        e.size(), median / 60000.0, 100.0 * static_cast<double>(within) / e.size());
  }
  return t.errors ? 3 : 0;
}
