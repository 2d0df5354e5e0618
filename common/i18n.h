// User-facing language: Bahasa Indonesia by default, English available.
//
// Every screen picks its words with T(lang, "Indonesian", "English") at the
// place they are shown, so both texts sit side by side in the source and a
// missing translation is visible in review. Dates and times are the MPP's
// local time, written the Indonesian way ("Senin, 30 November 2026").
#pragma once

#include <string>

#include "common/time_util.h"
#include "mpp/v1/mpp.pb.h"

namespace mpp {

enum class Lang { kId, kEn };

inline const char* T(Lang lang, const char* id, const char* en) {
  return lang == Lang::kId ? id : en;
}

// "id" or "en" -> Lang; false for anything else.
bool ParseLang(const std::string& text, Lang* lang);

// "Senin, 30 November 2026" / "Monday, 30 November 2026".
std::string LongDate(Millis utc_ms, int utc_offset_min, Lang lang);
// "Senin, 30 November 2026 09:15" / "Monday, 30 November 2026 09:15".
std::string LongDateTime(Millis utc_ms, int utc_offset_min, Lang lang);
// When something opens again, relative to `now`: "pukul 13:00" today,
// "besok pukul 08:00" tomorrow, otherwise "Senin, 30 November 2026 pukul 08:00"
// (English: "at 13:00", "tomorrow at 08:00", "Monday, ... at 08:00").
std::string OpeningText(Millis open_ms, Millis now_ms, int utc_offset_min, Lang lang);
// "Lansia", "Penyandang disabilitas", "Ibu hamil", "Membawa balita",
// "Korban bencana" (English: "Elderly", ...); empty for no priority.
std::string PriorityReasonText(v1::PriorityReason reason, Lang lang);

// How long, in words that cannot be read as a time of day: "45 dtk",
// "20 mnt 32 dtk", "1 jam 31 mnt" ("20 min 32 s", "1 h 31 min"); seconds
// are left out from an hour on (and always without `seconds`: "30 mnt",
// "< 1 mnt" for a list), and zero parts are not written.
std::string DurationText(Millis ms, Lang lang, bool seconds = true);

// A time of day as a public sign writes it: "08.00" in Indonesian (PUEBI),
// "08:00" in English.
std::string ClockText(int minute_of_day, Lang lang);

// The name of SKM element `index` (0..8) of PermenPAN-RB 14/2017:
// "U1 Persyaratan" ... "U9 Penanganan pengaduan" ("U1 Requirements" ...).
std::string SkmElement(int index, Lang lang);

// A waiting time a visitor can use: "kurang dari 5 menit", "sekitar 25 menit",
// "sekitar 1 jam 10 menit" (rounded to 5 minutes).
std::string WaitText(Millis wait_ms, Lang lang);

// "Kemungkinan tidak terlayani hari ini." as a sentence of its own after
// `text` (which may or may not end with a period).
void AppendPastClosing(std::string* text, Lang lang);
// A waiting ticket's estimate, as the kiosk's ticket and the visitor's page
// say it: "Perkiraan waktu tunggu: sekitar 25 menit" (with AppendPastClosing
// when `past_closing`), or "... belum tersedia (loket belum buka)" when no
// open counter serves it (`known` false).
std::string EstimateText(bool known, Millis wait_ms, bool past_closing, Lang lang);

// A service's or an agency's name in `lang`: the catalog's name_en in
// English when it has one, else its name.
const std::string& NameIn(const v1::Service& service, Lang lang);
const std::string& NameIn(const v1::Agency& agency, Lang lang);

// "3 orang di depan Anda" / "3 people ahead of you"; "Tidak ada orang di depan
// Anda" for none (the kiosk's ticket and the visitor's phone say the same).
std::string AheadText(int ahead, Lang lang);

// How a service stands for a visitor deciding whether to queue or to come at
// all - the kiosk's service list and the web board say the same: "3 menunggu,
// sekitar 15 menit", "Tidak ada antrean", "Kuota hari ini habis. Buka lagi
// besok pukul 08.00", ...
struct QueueFacts {
  v1::ErrorCode availability = v1::OK;
  Millis next_open_ms = 0;
  std::string reason;  // a holiday's name
  int waiting = 0;
  Millis estimated_wait_ms = 0;
  int open_counters = 0;
};
std::string QueueText(const QueueFacts& facts, Millis now_ms, int utc_offset_min, Lang lang);

}  // namespace mpp
