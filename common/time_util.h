// Time for the MPP: UTC epoch milliseconds everywhere on the wire and in the
// database; the MPP's local time (a fixed UTC offset - Indonesia has no DST)
// for business days, opening hours and reports.
//
// Clock is injected: the broker takes a SystemClock in production and a
// ScaledClock (start instant + speed) for simulations and tests.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/mutex.h"

namespace mpp {

using Millis = int64_t;  // UTC epoch milliseconds

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Millis NowMs() const = 0;
  // How many times faster than real time it runs (1 for the system clock).
  virtual double scale() const { return 1.0; }
};

// Milliseconds on the monotonic clock (for timeouts and idle timers, never dates).
int64_t SteadyNowMs();

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

// A clock that never goes back (docs/OPERATIONS.md, "The clock"). It starts
// no earlier than `floor_ms` (the broker's last committed event). While
// `inner` is behind the last time it returned (set back at start, or stepped
// back by NTP while running), it continues from that time at the pace of the
// monotonic clock (times `inner`'s scale), and follows `inner` again once
// `inner` catches up. So a wait is never negative, and never shorter than the
// time that really passed: a clock error cannot improve a day's compliance.
// The first NowMs() that leaves `inner`, and the first that returns to it,
// call `on_change` (on the calling thread) with how far `inner` is behind
// (0: caught up) and the time returned. Thread-safe.
class ForwardClock : public Clock {
 public:
  ForwardClock(const Clock* inner, Millis floor_ms,
               std::function<void(Millis behind_ms, Millis now)> on_change = nullptr,
               std::function<int64_t()> steady_ms = SteadyNowMs);
  Millis NowMs() const override;
  double scale() const override { return inner_->scale(); }

 private:
  const Clock* inner_;
  std::function<void(Millis, Millis)> on_change_;
  std::function<int64_t()> steady_ms_;
  mutable Mutex mu_;
  mutable Millis last_ GUARDED_BY(mu_);
  mutable bool forward_ GUARDED_BY(mu_) = false;  // running on the steady clock
  mutable Millis anchor_ GUARDED_BY(mu_) = 0;     // the time returned when it left `inner`
  mutable int64_t anchor_steady_ GUARDED_BY(mu_) = 0;
};

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
