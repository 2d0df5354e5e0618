// A realistic MPP day for the simulator (mpp-sim): when visitors arrive, for
// which service, who claims priority, how long each service takes, who does
// not answer a call and who rates. Pure and seeded: the same catalog, day and
// seed give the same plan, so a simulated day can be replayed.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "common/catalog.h"
#include "common/time_util.h"

namespace mpp::sim {

// Relative arrival intensity at a local time: visitors come early, peaking
// 08.00-11.00, thinning over the lunch break and towards closing.
double ArrivalWeight(int minute_of_day);

struct Arrival {
  Millis at = 0;
  std::string service;
  v1::PriorityReason priority = v1::PRIORITY_NONE;
  std::string booking;  // a booked visitor's code: checks in instead of taking a number
};

// Tickets a service draws on a full day: 55 % of its daily quota, or 20
// where it has none; times `volume`.
double ExpectedDailyTickets(const v1::Service& service, double volume);

// The arrivals of business day `day` ("YYYY-MM-DD") between `from` and
// `until` (UTC ms), sorted by time. Each service draws a Poisson number of
// visitors in the part of its ticket window that falls in [from, until),
// spread by ArrivalWeight; about 8 % of visitors to services that allow it
// claim priority (mostly elderly).
std::vector<Arrival> PlanArrivals(const CatalogIndex& catalog, const std::string& day, Millis from,
                                  Millis until, double volume, std::mt19937_64& rng);

// Of the visitors of a service that takes appointments, this share booked.
inline constexpr double kBookingShare = 0.3;
// When a visitor who booked the slot starting at `slot_start` comes to the
// kiosk, or nullopt when they never come (a missed booking): 80 % come 0-20
// minutes early, 8 % 6-25 minutes late (past the grace: a walk-in), 12 % not.
std::optional<Millis> PlanBookedVisit(Millis slot_start, std::mt19937_64& rng);

// Minutes at the counter: lognormal with a median of 55 % of the service-time
// standard and sigma 0.45, so about 9 % of services overrun their standard.
double ServiceMinutes(int service_std_min, std::mt19937_64& rng);

// A visitor's one-tap score (1..4) and, for some, the nine SKM answers
// (0 = skipped); mostly satisfied, as in published MPP surveys.
struct RatingPlan {
  int score = 0;
  std::vector<int> skm;  // empty, or nine answers
};
std::optional<RatingPlan> PlanRating(double share, std::mt19937_64& rng);

}  // namespace mpp::sim
