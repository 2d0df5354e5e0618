#include "common/i18n.h"

#include <cstdio>

#include "common/catalog.h"

namespace mpp {
namespace {

const char* kMonthsId[] = {"Januari", "Februari", "Maret",     "April",   "Mei",      "Juni",
                           "Juli",    "Agustus",  "September", "Oktober", "November", "Desember"};
const char* kMonthsEn[] = {"January", "February", "March",     "April",   "May",      "June",
                           "July",    "August",   "September", "October", "November", "December"};
const char* kDaysEn[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                         "Friday", "Saturday", "Sunday"};

}  // namespace

bool ParseLang(const std::string& text, Lang* lang) {
  if (text == "id") {
    *lang = Lang::kId;
  } else if (text == "en") {
    *lang = Lang::kEn;
  } else {
    return false;
  }
  return true;
}

std::string LongDate(Millis utc_ms, int offset, Lang lang) {
  const LocalTime t = ToLocal(utc_ms, offset);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%s, %d %s %d",
                lang == Lang::kId ? WeekdayName(t.weekday) : kDaysEn[t.weekday - 1], t.day,
                (lang == Lang::kId ? kMonthsId : kMonthsEn)[t.month - 1], t.year);
  return buf;
}

std::string LongDateTime(Millis utc_ms, int offset, Lang lang) {
  return LongDate(utc_ms, offset, lang) + " " +
         ClockText(ToLocal(utc_ms, offset).minute_of_day, lang);
}

std::string OpeningText(Millis open_ms, Millis now_ms, int offset, Lang lang) {
  const LocalTime open = ToLocal(open_ms, offset);
  const std::string hhmm = ClockText(open.minute_of_day, lang);
  const std::string at = T(lang, "pukul ", "at ");
  if (open.Date() == ToLocal(now_ms, offset).Date()) return at + hhmm;
  if (open.Date() == ToLocal(now_ms + 24 * 3600 * 1000LL, offset).Date()) {
    return std::string(T(lang, "besok ", "tomorrow ")) + at + hhmm;
  }
  return LongDate(open_ms, offset, lang) + " " + at + hhmm;
}

std::string PriorityReasonText(v1::PriorityReason r, Lang lang) {
  switch (r) {
    case v1::LANSIA:
      return T(lang, "Lansia", "Elderly");
    case v1::DISABILITAS:
      return T(lang, "Penyandang disabilitas", "Person with a disability");
    case v1::IBU_HAMIL:
      return T(lang, "Ibu hamil", "Pregnant");
    case v1::BALITA:
      return T(lang, "Membawa balita", "With a small child");
    case v1::KORBAN_BENCANA:
      return T(lang, "Korban bencana", "Disaster victim");
    default:
      return "";
  }
}

std::string WaitText(Millis wait_ms, Lang lang) {
  const int64_t minutes = (wait_ms + 30'000) / 60'000;
  if (minutes < 5) return T(lang, "kurang dari 5 menit", "less than 5 minutes");
  const int64_t rounded = (minutes + 2) / 5 * 5;
  const int64_t h = rounded / 60, m = rounded % 60;
  char buf[64];
  if (h == 0) {
    std::snprintf(buf, sizeof buf, T(lang, "sekitar %lld menit", "about %lld minutes"),
                  static_cast<long long>(m));
  } else if (m == 0) {
    std::snprintf(buf, sizeof buf, T(lang, "sekitar %lld jam", "about %lld h"),
                  static_cast<long long>(h));
  } else {
    std::snprintf(buf, sizeof buf, T(lang, "sekitar %lld jam %lld menit", "about %lld h %lld min"),
                  static_cast<long long>(h), static_cast<long long>(m));
  }
  return buf;
}

std::string DurationText(Millis ms, Lang lang, bool seconds) {
  const int64_t s = ms > 0 ? ms / 1000 : 0;
  const bool id = lang == Lang::kId;
  const char* h_unit = id ? "jam" : "h";
  const char* m_unit = id ? "mnt" : "min";
  const char* s_unit = id ? "dtk" : "s";
  auto part = [](int64_t n, const char* unit) { return std::to_string(n) + " " + unit; };
  if (s >= 3600) {
    const int64_t m = s / 60 % 60;
    return part(s / 3600, h_unit) + (m ? " " + part(m, m_unit) : "");
  }
  if (!seconds) return s >= 60 ? part(s / 60, m_unit) : std::string("< 1 ") + m_unit;
  if (s >= 60) {
    return part(s / 60, m_unit) + (s % 60 ? " " + part(s % 60, s_unit) : "");
  }
  return part(s, s_unit);
}

std::string ClockText(int minute_of_day, Lang lang) {
  std::string t = FormatHhMm(minute_of_day);
  if (lang == Lang::kId) t[2] = '.';
  return t;
}

std::string SkmElement(int index, Lang lang) {
  static const char* const kId[9] = {"U1 Persyaratan",
                                     "U2 Prosedur",
                                     "U3 Waktu penyelesaian",
                                     "U4 Biaya/tarif",
                                     "U5 Produk",
                                     "U6 Kompetensi pelaksana",
                                     "U7 Perilaku pelaksana",
                                     "U8 Sarana dan prasarana",
                                     "U9 Penanganan pengaduan"};
  static const char* const kEn[9] = {"U1 Requirements", "U2 Procedure",  "U3 Time",
                                     "U4 Fee",          "U5 Product",    "U6 Competence",
                                     "U7 Courtesy",     "U8 Facilities", "U9 Complaints"};
  if (index < 0 || index > 8) return "";
  return lang == Lang::kId ? kId[index] : kEn[index];
}

std::string QueueText(const QueueFacts& l, Millis now_ms, int utc_offset_min, Lang lang) {
  const std::string when =
      l.next_open_ms > 0 ? OpeningText(l.next_open_ms, now_ms, utc_offset_min, lang) : "";
  auto with_next = [&](std::string text) {
    if (!when.empty()) text += std::string(T(lang, ". Buka lagi ", ". Opens again ")) + when;
    return text;
  };
  char buf[160];
  switch (l.availability) {
    case v1::OK:
      if (l.open_counters == 0) {
        std::snprintf(buf, sizeof buf,
                      T(lang, "%d menunggu, loket belum buka", "%d waiting, no counter open yet"),
                      l.waiting);
      } else if (l.waiting == 0) {
        std::snprintf(buf, sizeof buf, "%s", T(lang, "Tidak ada antrean", "No one waiting"));
      } else {
        std::snprintf(buf, sizeof buf, T(lang, "%d menunggu, %s", "%d waiting, %s"), l.waiting,
                      WaitText(l.estimated_wait_ms, lang).c_str());
      }
      return buf;
    case v1::SERVICE_CLOSED:
      return with_next(T(lang, "Tutup", "Closed"));
    case v1::NOT_SERVED_TODAY:
      return with_next(T(lang, "Tidak melayani hari ini", "Not served today"));
    case v1::MPP_HOLIDAY:
      return with_next(std::string(T(lang, "Hari libur", "Public holiday")) +
                       (l.reason.empty() ? "" : ": " + l.reason));
    case v1::QUOTA_EXHAUSTED:
      return with_next(T(lang, "Kuota hari ini habis", "Today's quota is used up"));
    default:
      return T(lang, "Belum tersedia", "Not available yet");
  }
}

std::string AheadText(int ahead, Lang lang) {
  if (ahead == 0) return T(lang, "Tidak ada orang di depan Anda", "No one is ahead of you");
  char buf[80];
  std::snprintf(buf, sizeof buf,
                lang == Lang::kId ? "%d orang di depan Anda"
                : ahead == 1      ? "%d person ahead of you"
                                  : "%d people ahead of you",
                ahead);
  return buf;
}

const std::string& NameIn(const v1::Service& s, Lang lang) {
  return lang == Lang::kEn && !s.name_en().empty() ? s.name_en() : s.name();
}

const std::string& NameIn(const v1::Agency& a, Lang lang) {
  return lang == Lang::kEn && !a.name_en().empty() ? a.name_en() : a.name();
}

void AppendPastClosing(std::string* text, Lang lang) {
  *text += !text->empty() && text->back() == '.' ? " " : ". ";
  *text += T(lang, "Kemungkinan tidak terlayani hari ini.", "You may not be served today.");
}

std::string EstimateText(bool known, Millis wait_ms, bool past_closing, Lang lang) {
  std::string text =
      std::string(T(lang, "Perkiraan waktu tunggu: ", "Estimated wait: ")) +
      (known ? WaitText(wait_ms, lang)
             : T(lang, "belum tersedia (loket belum buka)", "not yet known (no counter open)"));
  if (known && past_closing) AppendPastClosing(&text, lang);
  return text;
}

}  // namespace mpp
