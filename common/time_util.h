// Time for the MPP: UTC epoch milliseconds everywhere on the wire and in the
// database; the MPP's local time (a fixed UTC offset - Indonesia has no DST)
// for business days, opening hours and reports.
//
// Clock is injected: the broker takes a SystemClock in production and a
// ScaledClock (start instant + speed) for simulations and tests.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace mpp {

using Millis = int64_t;  // UTC epoch milliseconds

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Millis NowMs() const = 0;
  // How many times faster than real time it runs (1 for the system clock).
  virtual double scale() const { return 1.0; }
};

class SystemClock : public Clock {
 public:
  Millis NowMs() const override;
};

// Starts at `start_ms` when constructed and advances `scale` times faster than
// real time (scale 1 = real time, 60 = one minute per second).
class ScaledClock : public Clock {
 public:
  ScaledClock(Millis start_ms, double scale);
  Millis NowMs() const override;
  double scale() const override { return scale_; }

 private:
  Millis start_ms_;
  double scale_;
  int64_t steady_start_ns_;
};

// Milliseconds on the monotonic clock (for timeouts and idle timers, never dates).
int64_t SteadyNowMs();

// A broken-down local time.
struct LocalTime {
  int year = 0, month = 0, day = 0;  // civil date
  int weekday = 0;                   // ISO: 1 = Monday ... 7 = Sunday
  int minute_of_day = 0;             // 0..1439
  int second = 0;
  int millis = 0;
  std::string Date() const;  // "YYYY-MM-DD"
};

LocalTime ToLocal(Millis utc_ms, int utc_offset_min);
// Local midnight of `date` ("YYYY-MM-DD") as UTC ms, or nullopt if malformed.
std::optional<Millis> LocalMidnightMs(const std::string& date, int utc_offset_min);
// "2026-11-30T09:00:00+07:00" (or "Z", or no offset = `default_offset_min`).
std::optional<Millis> ParseIsoTime(const std::string& text, int default_offset_min);
// "2026-11-30T09:00:00+07:00"
std::string FormatIsoLocal(Millis utc_ms, int utc_offset_min);
// "09:05"
std::string FormatHhMm(int minute_of_day);
// "08:00" -> 480; nullopt when malformed.
std::optional<int> ParseHhMm(const std::string& text);
// UTC offset in minutes of an Indonesian zone name (Asia/Jakarta, Asia/Pontianak
// -> 420; Asia/Makassar -> 480; Asia/Jayapura -> 540) or "UTC"; nullopt otherwise.
std::optional<int> KnownZoneOffsetMin(const std::string& iana_name);

}  // namespace mpp
