// Helpers the core's files share (broker/core only): keys of per-day
// counts, the bilingual refusal and how a moment is said in it, and the
// one-line text check.
#pragma once

#include <string>

#include "broker/core/queue_core.h"

namespace mpp::core {

// "2026-12-07|KTP-REKAM": a per-day count's key.
inline std::string DayKey(const std::string& day, const std::string& what) {
  return day + "|" + what;
}
// "Senin, 30-11-2026 pukul 08.00" / "Monday 2026-11-30 at 08:00"
std::string WhenId(Millis ms, int offset);
std::string WhenEn(Millis ms, int offset);
Outcome Refuse(v1::ErrorCode code, const std::string& id, const std::string& en,
               Millis next_open = 0);
// True when `text` (valid UTF-8, as protobuf guarantees) holds a C0 or C1
// control character or a line/paragraph separator (U+2028, U+2029): what
// would break a one-line text on a screen.
bool HasControlOrSeparator(const std::string& text);

}  // namespace mpp::core
