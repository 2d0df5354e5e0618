// The MPP catalog: agencies, services with their published standards and
// time targets, zones, counters, opening hours, breaks and holidays.
//
// The catalog is read from a TOML file (config/mpp-cilegon.toml is the sample)
// into the wire message mpp::v1::Catalog, so the broker, its clients and the
// tools share one definition. A bad file is refused with "file:line:col: what
// is wrong" - there are no silent defaults for anything that matters.
//
// CatalogIndex adds lookups and the schedule rules (is a service taking
// tickets now, and if not, when next). It is pure: time is always passed in.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/time_util.h"
#include "mpp/v1/mpp.pb.h"

namespace mpp {

StatusOr<v1::Catalog> ParseCatalog(std::string_view toml_text, const std::string& source_name);
StatusOr<v1::Catalog> LoadCatalogFile(const std::string& path);
// A catalog file is at most 1 MiB (the sample is 30 KB); its ticker at most
// 500 bytes, like set_ticker.
inline constexpr int64_t kMaxCatalogBytes = 1 << 20;
inline constexpr size_t kMaxTickerBytes = 500;

struct Availability {
  v1::ErrorCode code = v1::OK;  // OK, MPP_HOLIDAY, NOT_SERVED_TODAY, SERVICE_CLOSED
  Millis next_open_ms =
      0;               // when code != OK: the next time tickets are issued (0 = none in 60 days)
  std::string reason;  // holiday name, or a short English reason
};

class CatalogIndex {
 public:
  explicit CatalogIndex(v1::Catalog catalog);

  const v1::Catalog& catalog() const { return catalog_; }
  int utc_offset_min() const { return catalog_.utc_offset_min(); }

  const v1::Service* FindService(const std::string& code) const;
  // The service's position in catalog().services(), -1 when there is none.
  int ServiceIndex(const std::string& code) const;
  const v1::CounterDef* FindCounter(int id) const;
  const v1::Agency* FindAgency(const std::string& code) const;
  bool CounterServes(int counter_id, const std::string& service) const;
  // True when a counter in `zone` serves `service`. An empty zone matches all.
  bool ServiceInZone(const std::string& service, const std::string& zone) const;
  bool ZoneExists(const std::string& zone) const;

  // The local business day ("YYYY-MM-DD") that `now` falls in.
  std::string BusinessDay(Millis now) const;
  const v1::Holiday* HolidayOn(const std::string& date) const;
  // The service's ticket-issuing window on a weekday (1..7), if any.
  std::optional<v1::Interval> WindowOn(const v1::Service& service, int weekday) const;
  // The starts (minutes after local midnight) of the service's appointment
  // slots on `day` ("YYYY-MM-DD"): from its opening, slot_min apart, each
  // ending by its closing and clear of the MPP's breaks; none on a holiday,
  // a day it is not served, or without appointments.
  std::vector<int> AppointmentSlots(const v1::Service& service, const std::string& day) const;
  // Bookings the service takes a day: its daily quota less the walk-ins'
  // share (INT_MAX without a quota).
  int BookableOn(const v1::Service& service) const;
  // Whether `service` issues tickets at `now`, and if not, why and when next.
  Availability ServiceAvailability(const v1::Service& service, Millis now) const;
  // The first date on or after `from_day` ("YYYY-MM-DD") on which the MPP opens
  // and that is not a holiday; with `full_day`, only days open as long as the
  // longest day of the week (not a short Saturday). None within a year, or a
  // malformed date: nullopt.
  std::optional<std::string> NextWorkingDay(const std::string& from_day, bool full_day) const;

 private:
  Millis NextOpening(const v1::Service& service, Millis from_local_midnight_utc) const;

  v1::Catalog catalog_;
  std::map<std::string, int> service_index_;
  std::map<int, int> counter_index_;
  std::map<std::string, int> agency_index_;
  // By year * 10000 + month * 100 + day: checked on every issue, without
  // formatting a date.
  std::map<int, const v1::Holiday*> holidays_by_ymd_;
  const v1::Holiday* HolidayOn(const LocalTime& local) const;
};

// Short names used in the file and in messages: "mon".."sun" <-> 1..7.
std::optional<int> ParseWeekday(std::string_view name);
const char* WeekdayName(int iso_weekday);  // "Senin" ... "Minggu"

// What a catalog change does, one line per kind of change and per problem
// (for the broker's log and mppctl catalog check/reload).
std::string DescribeCatalogChange(const v1::CatalogChange& change);

}  // namespace mpp
