#include "web/booking_pages.h"

#include <map>
#include <set>

#include "common/booking_code.h"
#include "common/i18n.h"
#include "common/qr.h"

namespace mpp::web {
namespace {

std::string WithLang(const std::string& path, Lang l) {
  return l == Lang::kEn ? path + (path.find('?') == std::string::npos ? "?" : "&") + "lang=en"
                        : path;
}

// "Selasa, 1 Desember 2026" of a slot's day.
std::string DayText(const std::string& day, int offset, Lang l) {
  const auto midnight = LocalMidnightMs(day, offset);
  return midnight ? LongDate(*midnight + 12 * 3600 * 1000, offset, l) : day;
}

// "Sen 30 Nov" / "Mon 30 Nov": a day chip's text (the chips fit three in a
// row on a phone; the chosen day is written out in full below them).
std::string ShortDay(const std::string& day, int offset, Lang l) {
  static const char* kDaysId[] = {"Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min"};
  static const char* kDaysEn[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  static const char* kMonthsId[] = {"Jan", "Feb", "Mar", "Apr", "Mei", "Jun",
                                    "Jul", "Agu", "Sep", "Okt", "Nov", "Des"};
  static const char* kMonthsEn[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto midnight = LocalMidnightMs(day, offset);
  if (!midnight) return day;
  const LocalTime t = ToLocal(*midnight + 12 * 3600 * 1000, offset);
  return std::string(l == Lang::kId ? kDaysId[t.weekday - 1] : kDaysEn[t.weekday - 1]) + " " +
         std::to_string(t.day) + " " +
         (l == Lang::kId ? kMonthsId[t.month - 1] : kMonthsEn[t.month - 1]);
}

}  // namespace

std::string QrSvg(const std::string& text) {
  const QrModules qr = EncodeQr(text);
  if (qr.width == 0) return "";
  const int quiet = 4, size = qr.width + 2 * quiet;
  std::string path;
  for (int r = 0; r < qr.width; ++r) {
    for (int c = 0; c < qr.width; ++c) {
      if (!qr.at(r, c)) continue;
      path += "M" + std::to_string(c + quiet) + " " + std::to_string(r + quiet) + "h1v1h-1z";
    }
  }
  return "<svg class=\"qr\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " +
         std::to_string(size) + " " + std::to_string(size) +
         "\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"QR\"><rect width=\"" +
         std::to_string(size) + "\" height=\"" + std::to_string(size) +
         "\" fill=\"#fff\"/><path fill=\"#000\" d=\"" + path + "\"/></svg>";
}

std::string BookingStartPage(const CatalogIndex& catalog, const PageContext& c) {
  const Lang l = c.lang;
  std::string body = "<h1>";
  body += T(l, "Janji temu", "Appointments");
  body += "</h1>\n<p class=\"detail\">";
  body += T(l,
            "Pilih layanan, hari dan jam. Datang sebelum jam Anda, lalu tunjukkan kodenya di kios "
            "(\"Saya punya janji temu\"). Tidak perlu data pribadi.",
            "Choose a service, a day and a time. Come before your time, then show the code at a "
            "kiosk (\"I have an appointment\"). No personal data needed.");
  body += "</p>\n";
  std::map<std::string, std::vector<const v1::Service*>> by_agency;
  for (const auto& s : catalog.catalog().services()) {
    if (s.appointments().slot_min() > 0 && !s.retired()) by_agency[s.agency()].push_back(&s);
  }
  if (by_agency.empty()) {
    body += "<p class=\"error\">";
    body += T(l, "Belum ada layanan yang menerima janji temu. Silakan ambil nomor di kios.",
              "No service takes appointments yet. Please take a number at a kiosk.");
    body += "</p>\n";
  }
  for (const auto& a : catalog.catalog().agencies()) {
    const auto it = by_agency.find(a.code());
    if (it == by_agency.end()) continue;
    body += "<h2>" + HtmlEscape(NameIn(a, l)) + "</h2>\n<ul class=\"list\">\n";
    for (const v1::Service* s : it->second) {
      body += "<li><a href=\"" + HtmlEscape(WithLang("/booking/" + s->code(), l)) + "\">" +
              HtmlEscape(NameIn(*s, l)) + "</a></li>\n";
    }
    body += "</ul>\n";
  }
  body += "<h2>";
  body += T(l, "Sudah punya kode?", "Already have a code?");
  body += "</h2>\n<form method=\"get\" action=\"/b\">\n";
  if (l == Lang::kEn) body += "<input type=\"hidden\" name=\"lang\" value=\"en\">\n";
  body += "<label for=\"code\">";
  body += T(l, "Kode janji temu (8 huruf/angka)", "Booking code (8 letters or digits)");
  body +=
      "</label>\n<input id=\"code\" name=\"code\" maxlength=\"20\" autocomplete=\"off\" "
      "autocapitalize=\"characters\">\n<button type=\"submit\">";
  body += T(l, "Lihat janji temu", "Open the booking");
  body += "</button>\n</form>\n";
  return PageShell(std::string(T(l, "Janji temu", "Appointments")) + " - " + c.mpp_name, body, c,
                   "booking", false);
}

std::string SlotsPage(const SlotsInput& in, const PageContext& c) {
  const Lang l = c.lang;
  const v1::Service& s = *in.service;
  const int off = in.catalog->utc_offset_min();
  // The days with their free places, in order.
  std::vector<std::string> days;
  std::map<std::string, int> free_on;
  for (const auto& slot : in.slots->slots()) {
    if (free_on.emplace(slot.day(), 0).second) days.push_back(slot.day());
    free_on[slot.day()] += slot.free();
  }
  std::string day = in.day;
  if (!free_on.count(day)) {
    day.clear();
    for (const std::string& d : days) {
      if (day.empty() && free_on[d] > 0) day = d;
    }
    if (day.empty() && !days.empty()) day = days.front();
  }
  std::string body = "<h1>" + HtmlEscape(NameIn(s, l)) + "</h1>\n";
  if (const v1::Agency* a = in.catalog->FindAgency(s.agency())) {
    body += "<p class=\"agency\">" + HtmlEscape(NameIn(*a, l)) + "</p>\n";
  }
  if (!in.error.empty()) body += "<p class=\"error\">" + HtmlEscape(in.error) + "</p>\n";
  if (days.empty()) {
    body += "<p class=\"error\">";
    body += T(l, "Tidak ada slot yang dapat dipesan saat ini.", "No slot can be booked now.");
    body += "</p>\n";
    return PageShell(NameIn(s, l) + " - " + c.mpp_name, body, c, "booking", false);
  }
  body += "<h2>";
  body += T(l, "Pilih hari", "Choose a day");
  body += "</h2>\n<nav class=\"days\">\n";
  for (const std::string& d : days) {
    std::string cls = d == day ? "on" : "";
    if (free_on[d] == 0) cls += cls.empty() ? "full" : " full";
    body += "<a" + (cls.empty() ? std::string() : " class=\"" + cls + "\"") + " href=\"" +
            HtmlEscape(WithLang("/booking/" + s.code() + "?day=" + d, l)) + "\">" +
            HtmlEscape(ShortDay(d, off, l)) + "</a>\n";
  }
  body += "</nav>\n<form method=\"post\" action=\"" +
          HtmlEscape(WithLang("/booking/" + s.code(), l)) + "\">\n";
  body += "<input type=\"hidden\" name=\"nonce\" value=\"" + HtmlEscape(in.nonce) + "\">\n";
  body += "<label for=\"name\">";
  body += T(l, "Nama (tidak wajib)", "Name (optional)");
  body +=
      "</label>\n<input id=\"name\" name=\"name\" maxlength=\"100\" autocomplete=\"name\">\n"
      "<label for=\"phone\">";
  body += T(l, "Nomor HP (tidak wajib)", "Phone (optional)");
  body +=
      "</label>\n<input id=\"phone\" name=\"phone\" maxlength=\"20\" inputmode=\"tel\" "
      "autocomplete=\"tel\">\n<p class=\"note\">";
  body += T(l, "Nama dan nomor HP hanya disimpan di MPP, tidak ditampilkan di mana pun.",
            "Name and phone stay at the MPP and are shown nowhere.");
  body += "</p>\n<h2>" + HtmlEscape(DayText(day, off, l)) + "</h2>\n<div class=\"slots\">\n";
  for (const auto& slot : in.slots->slots()) {
    if (slot.day() != day) continue;
    const std::string when = ClockText(slot.start_min(), l);
    const std::string left = slot.free() > 0
                                 ? (l == Lang::kId ? "sisa " : "") + std::to_string(slot.free()) +
                                       (l == Lang::kId ? "" : " left")
                                 : T(l, "penuh", "full");
    body += "<button type=\"submit\" name=\"slot\" value=\"" + slot.day() + "/" +
            std::to_string(slot.start_min()) + "\"" + (slot.free() > 0 ? "" : " disabled") + ">" +
            HtmlEscape(when) + "<small>" + HtmlEscape(left) + "</small></button>\n";
  }
  body += "</div>\n</form>\n";
  return PageShell(NameIn(s, l) + " - " + c.mpp_name, body, c, "booking", false);
}

std::string BookingPage(const v1::Booking& b, const CatalogIndex& catalog,
                        const std::string& qr_text, const PageContext& c) {
  const Lang l = c.lang;
  const int off = catalog.utc_offset_min();
  const v1::Service* s = catalog.FindService(b.service());
  std::string headline;
  switch (b.state()) {
    case v1::BOOKED:
      headline = T(l, "Janji temu Anda", "Your appointment");
      break;
    case v1::CHECKED_IN:
      headline = std::string(T(l, "Sudah check-in: nomor antrean ", "Checked in: queue number ")) +
                 b.ticket_number();
      break;
    case v1::BOOKING_CANCELLED:
      headline = T(l, "Janji temu ini dibatalkan", "This appointment was cancelled");
      break;
    default:
      headline = T(l, "Janji temu ini sudah lewat", "This appointment has passed");
      break;
  }
  std::string body = "<div class=\"card\" id=\"booking\">\n<p class=\"headline\">" +
                     HtmlEscape(headline) + "</p>\n";
  body += "<p class=\"service\">" + HtmlEscape(s ? NameIn(*s, l) : b.service()) + "</p>\n";
  if (const v1::Agency* a = s ? catalog.FindAgency(s->agency()) : nullptr) {
    body += "<p class=\"agency\">" + HtmlEscape(NameIn(*a, l)) + "</p>\n";
  }
  body += "<p class=\"when\">" + HtmlEscape(DayText(b.day(), off, l)) + ", " +
          HtmlEscape(ClockText(b.start_min(), l)) + "</p>\n";
  if (b.state() == v1::BOOKED) {
    body += "<p class=\"label\">";
    body += T(l, "Kode janji temu", "Booking code");
    body += "</p>\n<p class=\"code\">" + HtmlEscape(FormatBookingCode(b.code())) + "</p>\n";
    body += QrSvg(qr_text);
    body += "<p class=\"detail\">";
    body += l == Lang::kId
                ? "Datang sebelum pukul " + ClockText(b.start_min(), l) +
                      ". Di kios pilih \"Saya punya janji temu\", lalu pindai kode QR ini atau "
                      "ketik kodenya. Datang terlambat lebih dari " +
                      std::to_string(s ? s->appointments().grace_min() : 0) +
                      " menit: Anda dilayani sebagai antrean biasa."
                : "Come before " + ClockText(b.start_min(), l) +
                      ". At a kiosk choose \"I have an appointment\", then scan this QR code or "
                      "type the code. More than " +
                      std::to_string(s ? s->appointments().grace_min() : 0) +
                      " minutes late: you are served as a walk-in.";
    body += "</p>\n";
  }
  body += "</div>\n";
  if (b.state() == v1::BOOKED) {
    body += "<form method=\"post\" action=\"" +
            HtmlEscape(WithLang("/b/" + b.code() + "/cancel", l)) +
            "\">\n<button class=\"cancel\" type=\"submit\">";
    body += T(l, "Batalkan janji temu", "Cancel the appointment");
    body += "</button>\n</form>\n<p class=\"note\">";
    body += T(l,
              "Simpan halaman ini atau catat kodenya. Siapa pun yang memegang kode ini dapat "
              "membatalkannya.",
              "Keep this page or note the code. Whoever holds the code can cancel it.");
    body += "</p>\n";
  }
  return PageShell(headline + " - " + c.mpp_name, body, c, "booking", false);
}

}  // namespace mpp::web
