#include "broker/core/core_text.h"

#include <cstdio>

#include "common/i18n.h"

namespace mpp::core {

std::string WhenId(Millis ms, int offset) {
  const LocalTime t = ToLocal(ms, offset);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d-%02d-%04d pukul %s", WeekdayName(t.weekday), t.day,
                t.month, t.year, ClockText(t.minute_of_day, Lang::kId).c_str());
  return buf;
}
std::string WhenEn(Millis ms, int offset) {
  static const char* kDays[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                "Friday", "Saturday", "Sunday"};
  const LocalTime t = ToLocal(ms, offset);
  return std::string(kDays[t.weekday - 1]) + " " + t.Date() + " at " + FormatHhMm(t.minute_of_day);
}

Outcome Refuse(v1::ErrorCode code, const std::string& id, const std::string& en, Millis next_open) {
  Outcome o;
  o.reply = ErrorReply(code, id, en, next_open);
  return o;
}

bool HasControlOrSeparator(const std::string& text) {
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) return true;
    // U+0080..U+009F are C2 80..C2 9F; U+2028/U+2029 are E2 80 A8/A9.
    if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) < 0xA0) {
      return true;
    }
    if (c == 0xE2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(text[i + 2]) == 0xA8 ||
         static_cast<unsigned char>(text[i + 2]) == 0xA9)) {
      return true;
    }
  }
  return false;
}

}  // namespace mpp::core
