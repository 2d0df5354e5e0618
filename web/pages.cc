#include "web/pages.h"

#include <nlohmann/json.hpp>

namespace mpp::web {

std::string PageShell(const std::string& title, const std::string& body, const PageContext& c,
                      const std::string& body_class, bool refresh_without_script) {
  const Lang l = c.lang;
  const std::string other_lang = l == Lang::kId ? "en" : "id";
  std::string out;
  out.reserve(4096 + body.size());
  out += "<!DOCTYPE html>\n<html lang=\"";
  out += l == Lang::kId ? "id" : "en";
  out +=
      "\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"referrer\" content=\"no-referrer\">\n<title>";
  out += HtmlEscape(title);
  out += "</title>\n<link rel=\"stylesheet\" href=\"/static/style.css\">\n";
  if (refresh_without_script) {
    out += "<noscript><meta http-equiv=\"refresh\" content=\"30\"></noscript>\n";
  }
  out += "</head>\n<body class=\"" + body_class + "\">\n<header><span class=\"mpp\">";
  out += HtmlEscape(c.mpp_name);
  out += "</span><a class=\"lang\" href=\"" + HtmlEscape(c.path) + "?lang=" + other_lang + "\">";
  out += l == Lang::kId ? "English" : "Bahasa Indonesia";
  out += "</a></header>\n<main>\n";
  out += body;
  out += "</main>\n<footer>";
  out += T(l, "Pengaduan: SP4N-LAPOR! (lapor.go.id)", "Complaints: SP4N-LAPOR! (lapor.go.id)");
  out += " &middot; <a href=\"/";
  out += l == Lang::kId ? "" : "?lang=en";
  out += "\">";
  out += T(l, "Antrean semua layanan", "Every service's queue");
  out += "</a> &middot; <a href=\"/booking";
  out += l == Lang::kId ? "" : "?lang=en";
  out += "\">";
  out += T(l, "Janji temu", "Appointments");
  out += "</a></footer>\n<script src=\"/static/app.js\"></script>\n</body>\n</html>\n";
  return out;
}

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  for (char ch : text) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += ch;
    }
  }
  return out;
}

std::string TicketFragment(const TicketView& v, Lang l) {
  std::string out;
  out += "<p class=\"headline\">" + HtmlEscape(v.headline) + "</p>\n";
  if (!v.number.empty()) {
    out += "<p class=\"label\">";
    out += T(l, "Nomor antrean Anda", "Your queue number");
    out += "</p>\n<p class=\"number\">" + HtmlEscape(v.number) + "</p>\n";
    out += "<p class=\"service\">" + HtmlEscape(v.service) + "</p>\n";
    out += "<p class=\"agency\">" + HtmlEscape(v.agency) + "</p>\n";
  }
  if (!v.detail.empty()) out += "<p class=\"detail\">" + HtmlEscape(v.detail) + "</p>\n";
  if (!v.ahead_text.empty()) out += "<p class=\"ahead\">" + HtmlEscape(v.ahead_text) + "</p>\n";
  if (!v.wait_text.empty()) out += "<p class=\"wait\">" + HtmlEscape(v.wait_text) + "</p>\n";
  if (!v.now_calling.empty()) {
    out += "<h2>";
    out += T(l, "Sedang dipanggil", "Now calling");
    out += "</h2>\n<ul class=\"calling\">\n";
    for (const auto& n : v.now_calling) {
      out += "<li><span>" + HtmlEscape(n.counter) + "</span><b>" + HtmlEscape(n.number) +
             "</b></li>\n";
    }
    out += "</ul>\n";
  }
  return out;
}

std::string TicketPage(const TicketView& v, const PageContext& c, const std::string& events_path) {
  const Lang l = c.lang;
  std::string body;
  body += "<section id=\"live\" data-events=\"" + HtmlEscape(events_path) + "\" data-alert=\"" +
          HtmlEscape(v.alert_key) + "\">\n";
  body += TicketFragment(v, l);
  body += "</section>\n";
  if (v.phase != TicketPhase::kUnknown && v.phase != TicketPhase::kOtherDay) {
    body += "<p id=\"conn\" class=\"conn\" data-offline=\"";
    body +=
        T(l, "Koneksi terputus - menyambung kembali\u2026", "Connection lost - reconnecting\u2026");
    body += "\"></p>\n<button id=\"sound\" type=\"button\" hidden>";
    body +=
        T(l, "Aktifkan suara dan getar saat dipanggil", "Turn on sound and vibration for the call");
    body += "</button>\n<p class=\"note\">";
    body += T(l, "Halaman ini diperbarui sendiri. Simpan tiket kertas Anda sampai layanan selesai.",
              "This page updates by itself. Keep your paper ticket until your service is done.");
    body += "</p>\n";
  }
  const std::string title =
      v.number.empty() ? std::string(T(l, "Tiket antrean", "Queue ticket")) : v.number;
  return PageShell(title + " - " + c.mpp_name, body, c, std::string("phase-") + PhaseName(v.phase),
                   v.phase != TicketPhase::kUnknown && v.phase != TicketPhase::kOtherDay);
}

std::string TicketEventJson(const TicketView& v, Lang l) {
  nlohmann::json j;
  j["phase"] = PhaseName(v.phase);
  j["alert"] = v.alert_key;
  j["html"] = TicketFragment(v, l);
  return j.dump();
}

std::string BoardPage(const BoardView& b, const PageContext& c) {
  const Lang l = c.lang;
  std::string body;
  body += "<h1>";
  body += T(l, "Antrean hari ini", "Today's queues");
  body += "</h1>\n";
  if (!b.date_text.empty()) body += "<p class=\"date\">" + HtmlEscape(b.date_text) + "</p>\n";
  if (b.agencies.empty()) {
    body += "<p class=\"detail\">";
    body += T(l, "Data antrean belum tersedia. Coba lagi sebentar.",
              "The queues are not known yet. Try again in a moment.");
    body += "</p>\n";
  }
  for (const auto& a : b.agencies) {
    body += "<h2>" + HtmlEscape(a.name) + "</h2>\n<ul class=\"board\">\n";
    for (const auto& s : a.services) {
      body += std::string("<li class=\"") + (s.available ? "open" : "closed") + "\" id=\"svc-" +
              HtmlEscape(s.code) + "\"><span class=\"name\">" + HtmlEscape(s.name) +
              "</span><span class=\"state\">" + HtmlEscape(s.availability) + "</span></li>\n";
    }
    body += "</ul>\n";
  }
  body += "<p class=\"note\">";
  body += T(l, "Diperbarui setiap 30 detik. Perkiraan dapat berubah.",
            "Updated every 30 seconds. Estimates can change.");
  body += "</p>\n";
  PageContext board = c;
  return PageShell(std::string(T(l, "Antrean hari ini", "Today's queues")) + " - " + c.mpp_name,
                   body, board, "board", true);
}

std::string MessagePage(const std::string& title, const std::string& text, const PageContext& c) {
  return PageShell(title,
                   "<p class=\"headline\">" + HtmlEscape(title) + "</p>\n<p class=\"detail\">" +
                       HtmlEscape(text) + "</p>\n",
                   c, "message", false);
}

const char kStyleCss[] = R"css(
* { box-sizing: border-box; }
body { margin: 0; font: 20px/1.4 "DejaVu Sans", Roboto, Arial, sans-serif; color: #0b1b33;
  background: #eef1f6; }
header { display: flex; justify-content: space-between; align-items: center; gap: 12px;
  background: #0b2d6e; color: #fff; padding: 12px 16px; }
header .mpp { font-weight: bold; font-size: 18px; }
header a { color: #fff; font-size: 18px; }
main { padding: 16px; max-width: 720px; margin: 0 auto; }
footer { padding: 16px; font-size: 16px; color: #445; text-align: center; }
footer a { color: #0b2d6e; }
#live { background: #fff; border-radius: 16px; padding: 20px 16px; text-align: center;
  border: 3px solid #c9d2e3; }
.headline { font-size: 28px; font-weight: bold; margin: 0 0 12px; }
.label { margin: 8px 0 0; color: #445; }
.number { font-size: 84px; font-weight: bold; color: #0b2d6e; margin: 0; line-height: 1.1; }
.service { font-size: 24px; font-weight: bold; margin: 8px 0 0; }
.agency { color: #445; margin: 4px 0 12px; }
.detail, .ahead, .wait { font-size: 22px; margin: 10px 0; }
.ahead { font-size: 26px; font-weight: bold; }
h1 { font-size: 30px; margin: 8px 0; }
h2 { font-size: 22px; margin: 20px 0 8px; }
.calling { list-style: none; padding: 0; margin: 0; }
.calling li { display: flex; justify-content: space-between; padding: 8px 12px;
  border-top: 1px solid #dde3ee; font-size: 22px; }
.board { list-style: none; padding: 0; margin: 0; background: #fff; border-radius: 12px; }
.board li { padding: 12px 14px; border-top: 1px solid #dde3ee; }
.board li:first-child { border-top: 0; }
.board .name { display: block; font-weight: bold; }
.board .state { display: block; font-size: 18px; color: #334; }
.board li.closed .state { color: #8a1c1c; }
.note, .date, .conn { font-size: 17px; color: #445; }
.conn { color: #8a1c1c; min-height: 1em; }
button { display: block; width: 100%; margin: 16px 0; padding: 16px; font-size: 20px;
  border-radius: 12px; border: 0; background: #0b2d6e; color: #fff; }
button[hidden] { display: none; }
body.phase-almost #live { border-color: #c77700; background: #fff6e0; }
body.phase-called #live { border-color: #0f7a3a; background: #e4f7ea; }
body.phase-called .headline { color: #0f7a3a; font-size: 34px; }
body.phase-called .detail { font-size: 30px; font-weight: bold; }
body.phase-unknown #live, body.phase-other-day #live, body.phase-no-show #live,
body.phase-cancelled #live, body.phase-expired #live { border-color: #8a1c1c; }
.card { background: #fff; border-radius: 16px; padding: 16px; border: 3px solid #c9d2e3; }
.error { background: #fde8e8; border: 2px solid #8a1c1c; border-radius: 12px; padding: 12px;
  color: #5a0e0e; }
.list { list-style: none; padding: 0; margin: 0; background: #fff; border-radius: 12px; }
.list li { border-top: 1px solid #dde3ee; }
.list li:first-child { border-top: 0; }
.list a { display: block; padding: 14px; color: #0b2d6e; font-weight: bold; }
.days { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0 16px; }
.days a { padding: 10px 12px; border-radius: 10px; background: #fff; color: #0b2d6e;
  border: 2px solid #c9d2e3; text-decoration: none; font-size: 18px; }
.days a.on { background: #0b2d6e; color: #fff; border-color: #0b2d6e; }
.days a.full { color: #889; }
label { display: block; margin: 12px 0 4px; font-size: 18px; }
input { width: 100%; padding: 12px; font-size: 20px; border-radius: 10px; border: 2px solid #9aa8c0; }
.slots { display: grid; grid-template-columns: repeat(auto-fill, minmax(140px, 1fr)); gap: 10px; }
.slots button { margin: 0; padding: 12px 6px; }
.slots button small { display: block; font-size: 15px; font-weight: normal; }
.slots button:disabled { background: #c9d2e3; color: #556; }
.code { font-size: 44px; font-weight: bold; letter-spacing: 2px; color: #0b2d6e; margin: 4px 0; }
.qr { display: block; width: 240px; height: 240px; margin: 12px auto; background: #fff; }
.when { font-size: 26px; font-weight: bold; margin: 8px 0; }
button.cancel { background: #8a1c1c; }
)css";

const char kAppJs[] = R"js(
(function () {
  var live = document.getElementById('live');
  if (!live || !window.EventSource || !live.getAttribute('data-events')) return;
  var conn = document.getElementById('conn');
  var button = document.getElementById('sound');
  var last = live.getAttribute('data-alert') || '';
  var audio = null;
  function unlock() {
    var C = window.AudioContext || window.webkitAudioContext;
    if (C && !audio) audio = new C();
    if (audio && audio.resume) audio.resume();
    if (button) button.hidden = true;
  }
  function offer() {  // only while the call is still to come
    var c = document.body.className;
    if (button && !audio) button.hidden = !(c === 'phase-waiting' || c === 'phase-almost');
  }
  if (button) button.addEventListener('click', unlock);
  offer();
  function ring() {
    if (navigator.vibrate) navigator.vibrate([400, 150, 400, 150, 400]);
    try {
      if (!audio) unlock();
      var t = audio.currentTime;
      [0, 0.7].forEach(function (d) {
        var o = audio.createOscillator(), g = audio.createGain();
        o.frequency.value = 880; g.gain.value = 0.3;
        o.connect(g); g.connect(audio.destination);
        o.start(t + d); o.stop(t + d + 0.45);
      });
    } catch (e) {}
  }
  var source = new EventSource(live.getAttribute('data-events'));
  source.addEventListener('status', function (e) {
    var d = JSON.parse(e.data);
    live.innerHTML = d.html;
    document.body.className = 'phase-' + d.phase;
    offer();
    if (d.alert && d.alert !== last) ring();
    last = d.alert;
    if (conn) conn.textContent = '';
  });
  source.onerror = function () { if (conn) conn.textContent = conn.getAttribute('data-offline'); };
})();
)js";

}  // namespace mpp::web
