#include "tools/sim/day_plan.h"

#include <algorithm>
#include <cmath>

namespace mpp::sim {

double ArrivalWeight(int minute_of_day) {
  // Per hour of the day, from observations of MPP halls: a queue forms before
  // opening, the morning peak, the lunch dip, a smaller afternoon wave.
  static const double kByHour[24] = {0,   0,   0,   0,   0,   0,   0.1, 0.6, 1.6, 2.0, 1.8, 1.1,
                                     0.6, 0.9, 0.7, 0.4, 0.2, 0.1, 0,   0,   0,   0,   0,   0};
  return kByHour[std::clamp(minute_of_day / 60, 0, 23)];
}

double ExpectedDailyTickets(const v1::Service& service, double volume) {
  const double base = service.daily_quota() > 0 ? 0.55 * service.daily_quota() : 20.0;
  return base * volume;
}

std::vector<Arrival> PlanArrivals(const CatalogIndex& catalog, const std::string& day, Millis from,
                                  Millis until, double volume, std::mt19937_64& rng) {
  std::vector<Arrival> out;
  const int offset = catalog.utc_offset_min();
  const auto midnight = LocalMidnightMs(day, offset);
  if (!midnight || catalog.HolidayOn(day)) return out;
  const int weekday = ToLocal(*midnight, offset).weekday;
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (const auto& service : catalog.catalog().services()) {
    const auto window = catalog.WindowOn(service, weekday);
    if (!window) continue;
    const int open = window->start().minutes(), close = window->end().minutes();
    // Weight of the whole window and of the part inside [from, until).
    double whole = 0, part = 0, max_weight = 0;
    for (int m = open; m < close; ++m) {
      const double w = ArrivalWeight(m);
      whole += w;
      const Millis at = *midnight + static_cast<Millis>(m) * 60000;
      if (at >= from && at < until) part += w;
      max_weight = std::max(max_weight, w);
    }
    if (part <= 0 || max_weight <= 0) continue;
    std::poisson_distribution<int> count(ExpectedDailyTickets(service, volume) * part / whole);
    const int n = count(rng);
    std::uniform_int_distribution<int> minute(open, close - 1);
    for (int i = 0; i < n; ++i) {
      // Rejection sampling: a minute in the window, kept with its weight.
      for (;;) {
        const int m = minute(rng);
        const Millis at =
            *midnight + static_cast<Millis>(m) * 60000 + static_cast<Millis>(unit(rng) * 60000);
        if (at < from || at >= until) continue;
        if (unit(rng) * max_weight > ArrivalWeight(m)) continue;
        Arrival a;
        a.at = at;
        a.service = service.code();
        if (service.priority_allowed() && unit(rng) < 0.08) {
          const double r = unit(rng);
          a.priority = r < 0.5    ? v1::LANSIA
                       : r < 0.65 ? v1::DISABILITAS
                       : r < 0.8  ? v1::IBU_HAMIL
                       : r < 0.95 ? v1::BALITA
                                  : v1::KORBAN_BENCANA;
        }
        out.push_back(std::move(a));
        break;
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const Arrival& a, const Arrival& b) { return a.at < b.at; });
  return out;
}

std::optional<Millis> PlanBookedVisit(Millis slot_start, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const double u = unit(rng);
  if (u < 0.12) return std::nullopt;
  if (u < 0.20) return slot_start + static_cast<Millis>((6 + 19 * unit(rng)) * 60000);
  return slot_start - static_cast<Millis>(20 * unit(rng) * 60000);
}

double ServiceMinutes(int service_std_min, std::mt19937_64& rng) {
  const double median = 0.55 * std::max(service_std_min, 1);
  std::lognormal_distribution<double> d(std::log(median), 0.45);
  return std::max(0.5, d(rng));
}

std::optional<RatingPlan> PlanRating(double share, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  if (unit(rng) >= share) return std::nullopt;
  auto score = [&] {
    const double r = unit(rng);
    return r < 0.55 ? 4 : r < 0.88 ? 3 : r < 0.97 ? 2 : 1;
  };
  RatingPlan p;
  p.score = score();
  if (unit(rng) < 0.4) {  // four in ten raters go on to the nine questions
    for (int i = 0; i < 9; ++i) p.skm.push_back(unit(rng) < 0.9 ? score() : 0);
  }
  return p;
}

}  // namespace mpp::sim
