#include "common/time_util.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace mpp {
namespace {

using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::year_month_day;

bool ParseInt(const std::string& s, size_t pos, size_t len, int* out) {
  if (pos + len > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + len; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

int64_t SteadyNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

int64_t SteadyNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Millis SystemClock::NowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

ScaledClock::ScaledClock(Millis start_ms, double scale)
    : start_ms_(start_ms), scale_(scale), steady_start_ns_(SteadyNowNs()) {}

Millis ScaledClock::NowMs() const {
  const double elapsed_ms = static_cast<double>(SteadyNowNs() - steady_start_ns_) / 1e6;
  return start_ms_ + static_cast<Millis>(elapsed_ms * scale_);
}

ForwardClock::ForwardClock(const Clock* inner, Millis floor_ms,
                           std::function<void(Millis, Millis)> on_change,
                           std::function<int64_t()> steady_ms)
    : inner_(inner),
      on_change_(std::move(on_change)),
      steady_ms_(std::move(steady_ms)),
      last_(floor_ms) {}

Millis ForwardClock::NowMs() const {
  const Millis real = inner_->NowMs();
  Millis behind = -1;  // -1: no change to report
  Millis out;
  {
    MutexLock lock(&mu_);
    if (forward_) {
      const Millis t =
          anchor_ +
          static_cast<Millis>(static_cast<double>(steady_ms_() - anchor_steady_) * inner_->scale());
      if (real >= t) {
        forward_ = false;
        behind = 0;
      } else {
        last_ = std::max(last_, t);
      }
    }
    if (!forward_) {
      if (real >= last_) {
        last_ = real;
      } else {
        forward_ = true;
        anchor_ = last_;
        anchor_steady_ = steady_ms_();
        behind = last_ - real;
      }
    }
    out = last_;
  }
  if (behind >= 0 && on_change_) on_change_(behind, out);
  return out;
}

std::string LocalTime::Date() const {
  // On every issue (the holiday check): fmt is ~10x cheaper than snprintf.
  return fmt::format("{:04}-{:02}-{:02}", year, month, day);
}

LocalTime ToLocal(Millis utc_ms, int utc_offset_min) {
  const Millis local_ms = utc_ms + static_cast<Millis>(utc_offset_min) * 60000;
  Millis day_index = local_ms / 86400000;
  Millis in_day = local_ms % 86400000;
  if (in_day < 0) {
    in_day += 86400000;
    --day_index;
  }
  const sys_days d{days{day_index}};
  const year_month_day ymd{d};
  LocalTime t;
  t.year = static_cast<int>(ymd.year());
  t.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  t.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  t.weekday = static_cast<int>(std::chrono::weekday{d}.iso_encoding());
  t.minute_of_day = static_cast<int>(in_day / 60000);
  t.second = static_cast<int>((in_day / 1000) % 60);
  t.millis = static_cast<int>(in_day % 1000);
  return t;
}

std::optional<Millis> LocalMidnightMs(const std::string& date, int utc_offset_min) {
  int y, m, d;
  if (date.size() != 10 || date[4] != '-' || date[7] != '-' || !ParseInt(date, 0, 4, &y) ||
      !ParseInt(date, 5, 2, &m) || !ParseInt(date, 8, 2, &d)) {
    return std::nullopt;
  }
  const year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                           std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  const Millis day_ms = static_cast<Millis>(sys_days{ymd}.time_since_epoch().count()) * 86400000;
  return day_ms - static_cast<Millis>(utc_offset_min) * 60000;
}

std::optional<Millis> ParseIsoTime(const std::string& text, int default_offset_min) {
  // YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM|-HH:MM]
  if (text.size() < 16 || (text[10] != 'T' && text[10] != ' ')) return std::nullopt;
  auto midnight_utc = LocalMidnightMs(text.substr(0, 10), 0);
  int hh, mm, ss = 0;
  if (!midnight_utc || !ParseInt(text, 11, 2, &hh) || text[13] != ':' ||
      !ParseInt(text, 14, 2, &mm) || hh > 23 || mm > 59) {
    return std::nullopt;
  }
  size_t pos = 16;
  if (pos < text.size() && text[pos] == ':') {
    if (!ParseInt(text, pos + 1, 2, &ss) || ss > 59) return std::nullopt;
    pos += 3;
  }
  int offset = default_offset_min;
  if (pos < text.size()) {
    if (text[pos] == 'Z' && pos + 1 == text.size()) {
      offset = 0;
    } else if ((text[pos] == '+' || text[pos] == '-') && text.size() == pos + 6 &&
               text[pos + 3] == ':') {
      int oh, om;
      if (!ParseInt(text, pos + 1, 2, &oh) || !ParseInt(text, pos + 4, 2, &om)) {
        return std::nullopt;
      }
      offset = (oh * 60 + om) * (text[pos] == '-' ? -1 : 1);
    } else {
      return std::nullopt;
    }
  }
  return *midnight_utc + (static_cast<Millis>(hh) * 3600 + mm * 60 + ss) * 1000 -
         static_cast<Millis>(offset) * 60000;
}

std::string FormatIsoLocal(Millis utc_ms, int utc_offset_min) {
  const LocalTime t = ToLocal(utc_ms, utc_offset_min);
  const int off = utc_offset_min < 0 ? -utc_offset_min : utc_offset_min;
  char buf[96];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02d%c%02d:%02d", t.Date().c_str(),
                t.minute_of_day / 60, t.minute_of_day % 60, t.second,
                utc_offset_min < 0 ? '-' : '+', off / 60, off % 60);
  return buf;
}

std::string FormatHhMm(int minute_of_day) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minute_of_day / 60, minute_of_day % 60);
  return buf;
}

std::optional<int> ParseHhMm(const std::string& text) {
  int hh, mm;
  if (text.size() != 5 || text[2] != ':' || !ParseInt(text, 0, 2, &hh) ||
      !ParseInt(text, 3, 2, &mm) || mm > 59 || hh > 24 || (hh == 24 && mm != 0)) {
    return std::nullopt;
  }
  return hh * 60 + mm;
}

std::optional<int> KnownZoneOffsetMin(const std::string& name) {
  if (name == "Asia/Jakarta" || name == "Asia/Pontianak") return 420;  // WIB
  if (name == "Asia/Makassar") return 480;                             // WITA
  if (name == "Asia/Jayapura") return 540;                             // WIT
  if (name == "UTC" || name == "Etc/UTC") return 0;
  return std::nullopt;
}

}  // namespace mpp
