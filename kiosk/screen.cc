#include "kiosk/screen.h"

#include <GLFW/glfw3.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <optional>

#include "common/gui_window.h"
#include "common/layout.h"
#include "common/palette.h"

namespace mpp::kiosk {
namespace {

using palette::kAmberTint;
using palette::kBorder;
using palette::kGreen;
using palette::kGreenDark;
using palette::kGreenTint;
using palette::kGreyButton;
using palette::kInk;
using palette::kMuted;
using palette::kNavy;
using palette::kNavyDark;
using palette::kPage;
using palette::kRed;
using palette::kRedTint;
using palette::kWhite;

// The frame being drawn: fonts, size, scale, targets.
struct Ctx {
  KioskModel* m;
  const Fonts& f;
  float w, h, u;  // u: pixels per unit (1 at a 1080 px short side)
  bool portrait;
  TapTargets* targets;
  ImDrawList* dl;
};

struct ButtonStyle {
  ImU32 fill = kNavy;
  ImU32 fill_pressed = kNavyDark;
  ImU32 text = kWhite;
  ImU32 border = 0;
};
const ButtonStyle kPrimary{kGreen, kGreenDark, kWhite, 0};
const ButtonStyle kNormal{kNavy, kNavyDark, kWhite, 0};
const ButtonStyle kPlain{kWhite, kGreyButton, kNavy, kNavy};

// A touch button: a rounded box with a bold label and an optional second line,
// registered in the tap targets. Disabled buttons are grey and do nothing; a
// button that has just appeared or moved ignores a tap for a moment (TapTargets).
bool Button(Ctx& c, const std::string& id, ImVec2 p0, ImVec2 size, const std::string& label,
            const std::string& sub, ButtonStyle style, bool enabled = true,
            ImFont* label_font = nullptr) {
  const bool settled = c.targets->Add(id, p0, ImVec2(p0.x + size.x, p0.y + size.y), enabled);
  ImGui::SetCursorScreenPos(p0);
  const bool pressed = ImGui::InvisibleButton(id.c_str(), size) && enabled && settled;
  const bool held = ImGui::IsItemActive() && enabled && settled;  // no false feedback
  if (!enabled) style = ButtonStyle{kGreyButton, kGreyButton, kMuted, kBorder};
  const ImVec2 p1(p0.x + size.x, p0.y + size.y);
  c.dl->AddRectFilled(p0, p1, held ? style.fill_pressed : style.fill, 14 * c.u);
  if (style.border) c.dl->AddRect(p0, p1, style.border, 14 * c.u, 0, 3 * c.u);
  const float pad = 24 * c.u;
  const float wrap = size.x - 2 * pad;
  // A long label takes a smaller face rather than pushing its status line
  // out of the button: the largest of these in which both fit.
  ImFont* lf = label_font ? label_font : c.f.large;
  const float sh = sub.empty() ? 0 : MeasureText(c.f.body, sub, wrap).y + 8 * c.u;
  for (ImFont* smaller : {c.f.large, c.f.bold, c.f.small}) {
    if (MeasureText(lf, label, wrap).y + sh + pad * 0.6f <= size.y) break;
    if (smaller->FontSize < lf->FontSize) lf = smaller;
  }
  const float lh = MeasureText(lf, label, wrap).y;
  float y = p0.y + std::max(pad * 0.6f, (size.y - lh - sh) / 2);
  c.dl->PushClipRect(p0, p1, true);
  LayoutBox box("button:" + id, p0, p1, style.fill);
  y += DrawCenteredWrapped(c.dl, lf, p0.x + size.x / 2, y, style.text, label, wrap) + 8 * c.u;
  if (!sub.empty()) {
    // The second line a shade softer, but on green (4.2:1 for the soft
    // shade) plain white keeps 4.5:1.
    const ImU32 sub_col = style.text != kWhite   ? kMuted
                          : style.fill == kGreen ? kWhite
                                                 : Rgb(214, 226, 245);
    DrawCenteredWrapped(c.dl, c.f.body, p0.x + size.x / 2, y, sub_col, sub, wrap);
  }
  c.dl->PopClipRect();
  return pressed;
}

// Header: MPP name, date and time, the language switch. Returns its height.
float Header(Ctx& c) {
  const float hh = 130 * c.u;
  c.dl->AddRectFilled(ImVec2(0, 0), ImVec2(c.w, hh), kNavy);
  LayoutBox box("header", ImVec2(0, 0), ImVec2(c.w, hh), kNavy);
  const float pad = 32 * c.u;
  const ImVec2 size(230 * c.u, 90 * c.u);
  const float name_w = c.w - size.x - 3 * pad;
  ImFont* name_font = MeasureText(c.f.large, c.m->mpp_name()).x <= name_w ? c.f.large : c.f.bold;
  DrawText(c.dl, name_font, ImVec2(pad, 18 * c.u), kWhite, c.m->mpp_name());
  DrawText(c.dl, c.f.body, ImVec2(pad, 18 * c.u + c.f.large->FontSize + 6 * c.u),
           Rgb(200, 214, 240), c.m->DateTimeText());
  const std::string label = c.m->lang() == Lang::kId ? "English" : "Bahasa Indonesia";
  if (Button(c, "lang", ImVec2(c.w - size.x - pad, (hh - size.y) / 2), size, label, "", kPlain,
             true, c.f.bold)) {
    c.m->TapLanguage();
  }
  return hh;
}

// The red notice shown while tickets cannot be issued. Returns its height.
float OfflineBanner(Ctx& c, float y) {
  const std::string text = c.m->OfflineText();
  if (text.empty()) return 0;
  const float pad = 28 * c.u;
  const float th = MeasureText(c.f.bold, text, c.w - 2 * pad).y;
  c.dl->AddRectFilled(ImVec2(0, y), ImVec2(c.w, y + th + 2 * pad), kRed);
  LayoutBox box("offline", ImVec2(0, y), ImVec2(c.w, y + th + 2 * pad), kRed);
  DrawText(c.dl, c.f.bold, ImVec2(pad, y + pad), kWhite, text, c.w - 2 * pad);
  return th + 2 * pad;
}

// Back and home along the bottom. Returns the y where the footer starts.
float Footer(Ctx& c, bool back, bool home) {
  const float fh = 150 * c.u, pad = 32 * c.u;
  const float y = c.h - fh;
  c.dl->AddRectFilled(ImVec2(0, y), ImVec2(c.w, c.h), Rgb(226, 231, 240));
  LayoutBox box("footer", ImVec2(0, y), ImVec2(c.w, c.h), Rgb(226, 231, 240));
  const ImVec2 size(std::min(420 * c.u, (c.w - 3 * pad) / 2), fh - 2 * 24 * c.u);
  const Lang l = c.m->lang();
  if (back && Button(c, "back", ImVec2(pad, y + 24 * c.u), size,
                     std::string("\xE2\x86\x90 ") + T(l, "Kembali", "Back"), "", kPlain)) {
    c.m->TapBack();
  }
  if (home && Button(c, "home", ImVec2(c.w - pad - size.x, y + 24 * c.u), size,
                     T(l, "Halaman awal", "Start again"), "", kPlain)) {
    c.m->TapHome();
  }
  return y;
}

// `right` pixels on the right are left free (for a button beside the title).
float Title(Ctx& c, float y, const std::string& title, const std::string& sub = "",
            float right = 0) {
  const float pad = 40 * c.u;
  const float wrap = c.w - 2 * pad - right;
  y += 30 * c.u;
  y += DrawText(c.dl, c.f.title, ImVec2(pad, y), kInk, title, wrap);
  if (!sub.empty()) {
    y += 8 * c.u;
    y += DrawText(c.dl, c.f.body, ImVec2(pad, y), kMuted, sub, wrap);
  }
  return y + 24 * c.u;
}

// Lays out n buttons in a grid filling [y0, y1).
template <typename Fn>
void Grid(Ctx& c, float y0, float y1, int n, int cols, float max_h, Fn draw) {
  if (n == 0) return;
  const float pad = 40 * c.u, gap = 20 * c.u;
  const int rows = (n + cols - 1) / cols;
  const float bw = (c.w - 2 * pad - (cols - 1) * gap) / cols;
  const float bh = std::min(max_h, (y1 - y0 - (rows - 1) * gap) / rows);
  for (int i = 0; i < n; ++i) {
    const int r = i / cols, col = i % cols;
    draw(i, ImVec2(pad + col * (bw + gap), y0 + r * (bh + gap)), ImVec2(bw, bh));
  }
}

void Agencies(Ctx& c, float y, float bottom) {
  const Lang l = c.m->lang();
  // Visitors with a booking skip the agencies: one wide button below them
  // (portrait), or beside the title (landscape, where height is short).
  const bool appointments = c.m->TakesAppointments();
  const float pad = 40 * c.u, bh = 150 * c.u, beside = c.portrait ? 0 : 640 * c.u;
  ImVec2 at(pad, 0), size(c.w - 2 * pad, bh);
  if (appointments && beside > 0) {
    at = ImVec2(c.w - pad - beside, y + 24 * c.u);
    size = ImVec2(beside, bh);
  }
  y = Title(
      c, y, T(l, "Selamat datang! Silakan pilih instansi", "Welcome! Please choose an agency"),
      T(l, "Sentuh nama instansi yang ingin Anda tuju.", "Touch the agency you have come for."),
      appointments ? beside + (beside > 0 ? pad : 0) : 0);
  if (appointments && beside > 0) y = std::max(y, at.y + bh + 24 * c.u);
  if (appointments && beside == 0) {
    bottom -= bh + 30 * c.u;
    at.y = bottom;
  }
  if (appointments &&
      Button(c, "appointment", at, size, T(l, "Saya punya janji temu", "I have an appointment"),
             T(l, "Pindai atau ketik kode janji temu Anda", "Scan or type your booking code"),
             kPrimary)) {
    c.m->TapAppointment();
  }
  const auto agencies = c.m->Agencies();
  Grid(c, y, bottom - 30 * c.u, static_cast<int>(agencies.size()), c.portrait ? 2 : 3, 220 * c.u,
       [&](int i, ImVec2 p, ImVec2 s) {
         const AgencyItem& a = agencies[i];
         char sub[96];
         if (!c.m->connected()) {
           sub[0] = 0;
         } else if (a.available == 0) {
           std::snprintf(sub, sizeof sub, "%s", T(l, "Tutup saat ini", "Closed now"));
         } else {
           std::snprintf(
               sub, sizeof sub,
               T(l, "%d layanan buka", a.available == 1 ? "%d service open" : "%d services open"),
               a.available);
         }
         if (Button(c, "agency:" + a.code, p, s, a.name, sub, a.available ? kNormal : kPlain, true,
                    c.f.bold)) {
           c.m->TapAgency(a.code);
         }
       });
}

void Services(Ctx& c, float y, float bottom) {
  const Lang l = c.m->lang();
  y = Title(c, y, c.m->AgencyName(),
            T(l, "Pilih layanan yang Anda perlukan.", "Choose the service you need."));
  const auto services = c.m->Services();
  Grid(c, y, bottom - 30 * c.u, static_cast<int>(services.size()), c.portrait ? 1 : 2, 200 * c.u,
       [&](int i, ImVec2 p, ImVec2 s) {
         const ServiceItem& it = services[i];
         if (Button(c, "service:" + it.code, p, s, it.name, it.status_text,
                    it.available ? kNormal : kPlain, true, c.f.large)) {
           c.m->TapService(it.code);
         }
       });
}

void Section(const Fonts& f, const char* heading, const std::string& body) {
  ImGui::PushFont(f.bold);
  Label(heading);
  ImGui::PopFont();
  Label(body.empty() ? "-" : body, /*wrapped=*/true);
  ImGui::Spacing();
  ImGui::Spacing();
}

void List(const Fonts& f, const char* heading,
          const google::protobuf::RepeatedPtrField<std::string>& items, bool numbered) {
  ImGui::PushFont(f.bold);
  Label(heading);
  ImGui::PopFont();
  if (items.empty()) Label("-");
  for (int i = 0; i < items.size(); ++i) {
    const std::string mark = numbered ? std::to_string(i + 1) + "." : "\xE2\x80\xA2";
    Label(mark);
    ImGui::SameLine(ImGui::GetStyle().WindowPadding.x + ImGui::GetFontSize() * 1.4f);
    Label(items[i], /*wrapped=*/true);
  }
  ImGui::Spacing();
  ImGui::Spacing();
}

void Standard(Ctx& c, float y, float bottom) {
  const Lang l = c.m->lang();
  const StandardView v = c.m->Standard();
  if (!v.standard) return;
  y = Title(c, y, v.name, v.agency);
  const float pad = 40 * c.u, gap = 20 * c.u;
  // Portrait: status, then the standard, then the actions along the bottom.
  // Landscape: the standard on the left at full height, status and actions
  // stacked on the right, so the whole standard stays readable.
  const float side_w = c.portrait ? 0 : (c.w - 2 * pad - gap) * 0.36f;
  const float side_x = c.w - pad - side_w;
  const float text_right = c.portrait ? c.w - pad : side_x - gap;
  float side_y = y;
  // Live status: green when tickets are issued, amber with the reason when not.
  if (!v.live_text.empty()) {
    const float x0 = c.portrait ? pad : side_x, x1 = c.w - pad;
    float& yy = c.portrait ? y : side_y;
    const float tw = x1 - x0 - 2 * pad;
    const float th = MeasureText(c.f.bold, v.live_text, tw).y;
    c.dl->AddRectFilled(ImVec2(x0, yy), ImVec2(x1, yy + th + 40 * c.u),
                        v.available ? kGreenTint : kAmberTint, 10 * c.u);
    LayoutBox box("live status", ImVec2(x0, yy), ImVec2(x1, yy + th + 40 * c.u),
                  v.available ? kGreenTint : kAmberTint);
    DrawText(c.dl, c.f.bold, ImVec2(x0 + pad, yy + 20 * c.u), kInk, v.live_text, tw);
    yy += th + 60 * c.u;
  }
  const float bh = 150 * c.u;
  const std::string take_sub =
      v.available ? ""
                  : (c.m->connected() ? T(l, "Belum dapat diambil", "Not available now")
                                      : T(l, "Server tidak terjangkau", "Server unreachable"));
  float actions_y;
  ImVec2 take_pos, take_size, prio_pos, prio_size;
  if (c.portrait) {
    actions_y = bottom - bh - 30 * c.u;
    const float take_w = v.priority_allowed ? (c.w - 2 * pad - gap) * 0.6f : c.w - 2 * pad;
    take_pos = ImVec2(pad, actions_y);
    take_size = ImVec2(take_w, bh);
    prio_pos = ImVec2(pad + take_w + gap, actions_y);
    prio_size = ImVec2(c.w - 2 * pad - take_w - gap, bh);
  } else {
    actions_y = bottom - 30 * c.u;  // the standard reaches down to the footer
    take_pos = ImVec2(side_x, side_y);
    take_size = ImVec2(side_w, bh * 1.3f);
    prio_pos = ImVec2(side_x, side_y + take_size.y + gap);
    prio_size = ImVec2(side_w, bh);
  }
  if (Button(c, "take", take_pos, take_size, T(l, "Ambil Nomor Antrean", "Take a Queue Number"),
             take_sub, kPrimary, v.available, c.f.title)) {
    c.m->TapTakeTicket();
  }
  if (v.priority_allowed &&
      Button(c, "priority", prio_pos, prio_size, T(l, "Layanan Prioritas", "Priority Service"), "",
             kPlain, v.available)) {
    c.m->TapPriority();
  }
  // The six published components.
  ImGui::SetCursorScreenPos(ImVec2(pad, y));
  ImGui::PushStyleColor(ImGuiCol_ChildBg, ImGui::ColorConvertU32ToFloat4(kWhite));
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(kInk));
  ImGui::PushStyleVar(ImGuiStyleVar_ChildRounding, 10 * c.u);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(28 * c.u, 24 * c.u));
  ImGui::PushFont(c.f.body);
  const ImVec2 child_size(text_right - pad, actions_y - y - 24 * c.u);
  ImGui::BeginChild("standard", child_size, true);
  c.targets->Add("standard", ImVec2(pad, y), ImVec2(pad + child_size.x, y + child_size.y));
  LayoutBox box("standard", ImVec2(pad, y), ImVec2(pad + child_size.x, y + child_size.y), kWhite,
                kBoxScrollsY);
  // Touch screens scroll by dragging the text itself, not only the thin bar;
  // a visitor reading is not idle.
  if (ImGui::IsWindowHovered() && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 6 * c.u)) {
    const float dy = ImGui::GetIO().MouseDelta.y;
    if (dy != 0) {
      ImGui::SetScrollY(std::clamp(ImGui::GetScrollY() - dy, 0.0f, ImGui::GetScrollMaxY()));
      c.m->Scrolled();
    }
  }
  const v1::PublishedStandard& s = *v.standard;
  ImGui::PushFont(c.f.small);
  Label(T(l, "Standar pelayanan yang dipublikasikan:",
          "Published service standard (as published, in Indonesian):"),
        /*wrapped=*/true);
  ImGui::PopFont();
  ImGui::Spacing();
  List(c.f, T(l, "Persyaratan", "Requirements"), s.requirements(), false);
  List(c.f, T(l, "Prosedur", "Procedure"), s.procedure(), true);
  Section(c.f, T(l, "Jangka waktu pelayanan", "Time standard"),
          s.time_standard() + "\n" + v.wait_target);
  Section(c.f, T(l, "Biaya/tarif", "Fee"), s.fee());
  Section(c.f, T(l, "Produk pelayanan", "Product"), s.product());
  Section(c.f, T(l, "Pengaduan", "Complaints"), s.complaint());
  ImGui::EndChild();
  ImGui::PopFont();
  ImGui::PopStyleVar(2);
  ImGui::PopStyleColor(2);
}

void Priority(Ctx& c, float y, float bottom) {
  const Lang l = c.m->lang();
  y = Title(c, y, T(l, "Layanan prioritas", "Priority service"),
            T(l,
              "Sesuai UU 25/2009 Pasal 29, pelayanan khusus diberikan kepada kelompok rentan. "
              "Pilih yang sesuai dengan Anda:",
              "By law (UU 25/2009, art. 29) vulnerable visitors are served first. Choose what "
              "applies to you:"));
  static const v1::PriorityReason kReasons[] = {v1::LANSIA, v1::DISABILITAS, v1::IBU_HAMIL,
                                                v1::BALITA, v1::KORBAN_BENCANA};
  static const char* kLabels[][2] = {{"Lansia", "Elderly"},
                                     {"Penyandang disabilitas", "Person with a disability"},
                                     {"Ibu hamil", "Pregnant"},
                                     {"Membawa balita", "With a small child"},
                                     {"Korban bencana", "Disaster victim"}};
  static const char* kSubs[][2] = {{"60 tahun ke atas", "60 years or older"},
                                   {"", ""},
                                   {"", ""},
                                   {"Anak di bawah 5 tahun", "Child under 5"},
                                   {"", ""}};
  const std::string note =
      T(l,
        "Pilihan ini dicatat sebagai pernyataan Anda sendiri dan dapat diperiksa petugas. "
        "Jika Anda tidak termasuk, silakan kembali dan ambil antrean biasa.",
        "Your choice is recorded as your own statement and staff may check it. If none applies, "
        "go back and take a regular number.");
  const float pad = 40 * c.u;
  const float nh = MeasureText(c.f.body, note, c.w - 2 * pad).y;
  const int cols = c.portrait ? 1 : 2;
  const float max_h = 170 * c.u;
  const float grid_bottom = bottom - nh - 60 * c.u;
  const int rows = (5 + cols - 1) / cols;
  const float used = std::min(grid_bottom - y, rows * max_h + (rows - 1) * 20 * c.u);
  Grid(c, y, grid_bottom, 5, cols, max_h, [&](int i, ImVec2 p, ImVec2 s) {
    const int li = l == Lang::kId ? 0 : 1;
    if (Button(c, std::string("reason:") + ReasonSlug(kReasons[i]), p, s, kLabels[i][li],
               kSubs[i][li], kNormal, c.m->connected())) {
      c.m->TapPriorityReason(kReasons[i]);
    }
  });
  DrawText(c.dl, c.f.body, ImVec2(pad, y + used + 30 * c.u), kMuted, note, c.w - 2 * pad);
}

void Issuing(Ctx& c, float y, float bottom) {
  const Lang l = c.m->lang();
  const float pad = 40 * c.u;
  if (!c.m->issue_failed()) {
    Title(c, y + 200 * c.u,
          T(l, "Mohon tunggu, nomor antrean Anda sedang dibuat\u2026",
            "Please wait, your queue number is being made\u2026"));
    return;
  }
  y = Title(c, y + 60 * c.u, T(l, "Belum ada jawaban", "No answer yet"));
  y += DrawText(c.dl, c.f.large, ImVec2(pad, y), kInk, c.m->IssueFailedText(), c.w - 2 * pad);
  y += 60 * c.u;
  const ImVec2 size((c.w - 2 * pad - 20 * c.u) / 2, 170 * c.u);
  if (Button(c, "retry", ImVec2(pad, y), size, T(l, "Coba lagi", "Try again"), "", kPrimary)) {
    c.m->TapRetry();
  }
  if (Button(c, "cancel", ImVec2(pad + size.x + 20 * c.u, y), size, T(l, "Batal", "Cancel"), "",
             kPlain)) {
    c.m->TapHome();
  }
}

// A QR code filling a `side` square (its quiet zone inside), dark modules on
// the white card; recorded for the layout tests as "qr code".
void DrawQr(ImDrawList* dl, ImVec2 at, float side, const QrModules& qr) {
  if (qr.width == 0) return;
  LayoutBox box("qr code", at, ImVec2(at.x + side, at.y + side), kWhite);
  const int quiet = 2;
  const float module = std::floor(side / static_cast<float>(qr.width + 2 * quiet));
  const float x0 = std::floor(at.x + (side - module * qr.width) / 2);
  const float y0 = std::floor(at.y + (side - module * qr.width) / 2);
  for (int r = 0; r < qr.width; ++r) {
    for (int col = 0; col < qr.width; ++col) {
      if (!qr.at(r, col)) continue;
      const ImVec2 p(x0 + col * module, y0 + r * module);
      dl->AddRectFilled(p, ImVec2(p.x + module, p.y + module), IM_COL32_BLACK);
    }
  }
}

void Ticket(Ctx& c, float y, float bottom) {
  const Lang l = c.m->lang();
  const TicketView& t = c.m->Ticket();
  const float pad = 40 * c.u;
  const float cx = c.w / 2;
  const float card_top = y + 30 * c.u;
  // Landscape: the QR code stands at the card's right, the text keeps clear
  // of it on both sides (so it stays centred).
  const bool qr_beside = t.qr_is_link && !c.portrait;
  const float beside_side = 220 * c.u;
  const float wrap = c.w - 4 * pad - (qr_beside ? 2 * (beside_side + 40 * c.u) : 0);
  // What goes under the card is measured first: the number shrinks (never
  // below the large face) so that card and notice both end above the footer.
  const float sh = 160 * c.u;
  const float notice_bw = 340 * c.u;
  const float notice_tw = c.w - 2 * pad - notice_bw - 60 * c.u;
  const std::string failed_msg = T(l,
                                   "Tiket gagal dicetak. Nomor Anda tetap berlaku: catat atau foto "
                                   "nomor di atas, lalu tunggu panggilan.",
                                   "The ticket could not be printed. Your number is valid: note "
                                   "it or take a photo, then wait to be called.");
  const std::string failed_detail =
      std::string(T(l, "Info petugas: ", "For staff: ")) + t.print_advice;
  const float failed_h =
      std::max(sh, MeasureText(c.f.bold, failed_msg, notice_tw).y + 10 * c.u +
                       MeasureText(c.f.small, failed_detail, notice_tw).y + 40 * c.u);
  const float notice_h = t.print == TicketView::Print::kFailed ? failed_h : sh;
  struct Line {
    ImFont* f;
    ImU32 col;
    const std::string* s;
    float gap_before;
  };
  const Line lines[] = {{c.f.large, kInk, &t.service, 0},
                        {c.f.body, kMuted, &t.agency, 0},
                        // A priority in red; an appointment's time calmly, in navy.
                        {c.f.large, t.appointment ? kNavy : kRed, &t.priority_text, 0},
                        {c.f.large, kInk, &t.ahead_text, (c.portrait ? 16 : 0) * c.u},
                        {c.f.bold, kInk, &t.wait_text, 0},
                        {c.f.bold, kNavy, &t.where, 16 * c.u},
                        {c.f.small, kMuted, &t.issued_text, 0}};
  float lines_h = 0;
  for (const Line& line : lines) {
    lines_h += line.gap_before;
    if (!line.s->empty()) lines_h += MeasureText(line.f, *line.s, wrap).y + 14 * c.u;
  }
  float fixed_h = 30 * c.u + c.f.large->FontSize + 10 * c.u + 10 * c.u + lines_h + 20 * c.u;
  const float room = bottom - 20 * c.u - notice_h - 20 * c.u - card_top;
  // The QR code of the ticket's page (the same as on paper: a visitor whose
  // ticket did not print can still take it with a phone), where it fits
  // beside a number of at least the large face.
  float qr_side = 0, caption_h = 0;
  if (t.qr_is_link && !qr_beside) {
    caption_h = MeasureText(c.f.small, t.qr_caption, wrap).y + 14 * c.u;
    qr_side = std::min(260 * c.u, room - fixed_h - caption_h - 10 * c.u - c.f.large->FontSize);
    if (qr_side < 140 * c.u) qr_side = 0;  // too small to scan from a step away
    if (qr_side > 0) fixed_h += qr_side + 10 * c.u + caption_h;
  }
  const float number_px = std::clamp(room - fixed_h, c.f.large->FontSize,
                                     c.f.huge->FontSize * (c.portrait ? 1.0f : 0.6f));

  // The card: its content first (channel 1), then the card behind it (channel 0).
  c.dl->ChannelsSplit(2);
  c.dl->ChannelsSetCurrent(1);
  std::optional<LayoutBox> card;  // white, and it must end above the footer
  card.emplace("ticket card", ImVec2(pad, card_top), ImVec2(c.w - pad, bottom), kWhite);
  float ty = card_top + 30 * c.u;
  DrawCentered(c.dl, c.f.large, cx, ty, kMuted, T(l, "Nomor antrean Anda", "Your queue number"));
  ty += c.f.large->FontSize + 10 * c.u;
  const float number_w = c.f.huge->CalcTextSizeA(number_px, FLT_MAX, 0, t.number.c_str()).x;
  c.dl->AddText(c.f.huge, number_px, ImVec2(cx - number_w / 2, ty), kNavy, t.number.c_str());
  RecordText(c.f.huge, ImVec2(cx - number_w / 2, ty), ImVec2(number_w, number_px), kNavy, t.number);
  ty += number_px + 10 * c.u;
  for (const Line& line : lines) {
    ty += line.gap_before;
    if (!line.s->empty()) {
      ty += DrawCenteredWrapped(c.dl, line.f, cx, ty, line.col, *line.s, wrap) + 14 * c.u;
    }
  }
  if (qr_side > 0) {
    DrawQr(c.dl, ImVec2(cx - qr_side / 2, ty), qr_side, t.qr);
    ty += qr_side + 10 * c.u;
    ty += DrawCenteredWrapped(c.dl, c.f.small, cx, ty, kMuted, t.qr_caption, wrap) + 14 * c.u;
  }
  if (qr_beside) {
    const float qx = c.w - pad - 30 * c.u - beside_side, qy = card_top + 30 * c.u;
    DrawQr(c.dl, ImVec2(qx, qy), beside_side, t.qr);
    const float cap =
        DrawCenteredWrapped(c.dl, c.f.small, qx + beside_side / 2, qy + beside_side + 8 * c.u,
                            kMuted, t.qr_caption, beside_side + 40 * c.u);
    ty = std::max(ty, qy + beside_side + 8 * c.u + cap);
  }
  const float card_bottom = ty + 20 * c.u;
  card.reset();
  c.dl->ChannelsSetCurrent(0);
  c.dl->AddRectFilled(ImVec2(pad, card_top), ImVec2(c.w - pad, card_bottom), kWhite, 16 * c.u);
  c.dl->AddRect(ImVec2(pad, card_top), ImVec2(c.w - pad, card_bottom), kBorder, 16 * c.u, 0,
                3 * c.u);
  c.dl->ChannelsMerge();

  // Print status under the card.
  const float sy = card_bottom + 20 * c.u;
  LayoutBox status("print status", ImVec2(0, sy), ImVec2(c.w, bottom), kPage);
  switch (t.print) {
    case TicketView::Print::kPrinting:
      DrawCentered(c.dl, c.f.large, cx, sy + 40 * c.u, kNavy,
                   T(l, "Tiket sedang dicetak\u2026", "Printing your ticket\u2026"));
      break;
    case TicketView::Print::kPrinted:
      DrawCentered(c.dl, c.f.large, cx, sy + 40 * c.u, kGreen,
                   T(l, "Silakan ambil tiket Anda di bawah layar.",
                     "Please take your ticket below the screen."));
      break;
    case TicketView::Print::kFailed: {
      // Plain words for the visitor; the printer's own complaint for staff.
      const float bw = notice_bw, tw = notice_tw, box = failed_h;
      const std::string& msg = failed_msg;
      const std::string& detail = failed_detail;
      c.dl->AddRectFilled(ImVec2(pad, sy), ImVec2(c.w - pad, sy + box), kRedTint, 10 * c.u);
      c.dl->AddRect(ImVec2(pad, sy), ImVec2(c.w - pad, sy + box), kRed, 10 * c.u, 0, 3 * c.u);
      LayoutBox failed("print failed", ImVec2(pad, sy), ImVec2(c.w - pad, sy + box), kRedTint);
      const float th =
          DrawText(c.dl, c.f.bold, ImVec2(pad + 20 * c.u, sy + 20 * c.u), kRed, msg, tw);
      DrawText(c.dl, c.f.small, ImVec2(pad + 20 * c.u, sy + 30 * c.u + th), kMuted, detail, tw);
      if (Button(c, "reprint", ImVec2(c.w - pad - bw - 20 * c.u, sy + (box - 130 * c.u) / 2),
                 ImVec2(bw, 130 * c.u), T(l, "Cetak ulang", "Print again"), "", kNormal)) {
        c.m->TapReprint();
      }
      break;
    }
  }
}

// The booking code: what was typed or scanned, the keys of the code's
// alphabet (Crockford base32: no I, L, O or U), delete and check in.
void CheckIn(Ctx& c, float y, float bottom) {
  const Lang l = c.m->lang();
  const float pad = 40 * c.u;
  y = Title(c, y, T(l, "Janji temu", "Appointment"),
            T(l, "Pindai kode QR janji temu Anda di pemindai, atau ketik kodenya di bawah.",
              "Scan your booking's QR code at the scanner, or type its code below."));
  const float box_h = 130 * c.u;
  c.dl->AddRectFilled(ImVec2(pad, y), ImVec2(c.w - pad, y + box_h), kWhite, 12 * c.u);
  c.dl->AddRect(ImVec2(pad, y), ImVec2(c.w - pad, y + box_h), kNavy, 12 * c.u, 0, 3 * c.u);
  LayoutBox box("code", ImVec2(pad, y), ImVec2(c.w - pad, y + box_h), kWhite);
  const std::string code = c.m->CheckInCode();
  DrawCenteredWrapped(c.dl, c.f.title, c.w / 2, y + (box_h - c.f.title->FontSize) / 2, kInk,
                      code.empty() ? std::string("\xE2\x80\x94") : code, c.w - 4 * pad);
  y += box_h + 20 * c.u;
  if (!c.m->check_in_error().empty()) {
    const float th = MeasureText(c.f.bold, c.m->check_in_error(), c.w - 4 * pad).y;
    c.dl->AddRectFilled(ImVec2(pad, y), ImVec2(c.w - pad, y + th + 30 * c.u), kAmberTint, 12 * c.u);
    LayoutBox err("check-in-error", ImVec2(pad, y), ImVec2(c.w - pad, y + th + 30 * c.u),
                  kAmberTint);
    DrawText(c.dl, c.f.bold, ImVec2(2 * pad, y + 15 * c.u), kInk, c.m->check_in_error(),
             c.w - 4 * pad);
    y += th + 50 * c.u;
  }
  static const char kKeys[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  const int cols = c.portrait ? 8 : 16;  // landscape: two rows, tall enough to touch
  const float action_h = 130 * c.u;
  Grid(c, y, bottom - action_h - 50 * c.u, 32, cols, 120 * c.u, [&](int i, ImVec2 p, ImVec2 s) {
    const std::string key(1, kKeys[i]);
    if (Button(c, "key:" + key, p, s, key, "", kPlain, true, c.f.large)) c.m->TypeText(key);
  });
  const float ay = bottom - action_h - 30 * c.u;
  const float aw = (c.w - 3 * pad) / 2;
  if (Button(c, "backspace", ImVec2(pad, ay), ImVec2(aw, action_h), T(l, "Hapus", "Delete"), "",
             kPlain)) {
    c.m->TapBackspace();
  }
  if (Button(c, "check-in", ImVec2(2 * pad + aw, ay), ImVec2(aw, action_h),
             T(l, "Ambil nomor janji temu", "Get my appointment number"), "", kPrimary)) {
    c.m->TapCheckIn();
  }
}

void Refused(Ctx& c, float y, float bottom) {
  const Lang l = c.m->lang();
  const float pad = 40 * c.u;
  y = Title(c, y + 60 * c.u, T(l, "Nomor antrean belum dapat diambil", "No number can be issued"));
  const std::string text = c.m->RefusalText();
  const float th = MeasureText(c.f.large, text, c.w - 4 * pad).y;
  c.dl->AddRectFilled(ImVec2(pad, y), ImVec2(c.w - pad, y + th + 60 * c.u), kAmberTint, 12 * c.u);
  LayoutBox box("refusal", ImVec2(pad, y), ImVec2(c.w - pad, y + th + 60 * c.u), kAmberTint);
  DrawText(c.dl, c.f.large, ImVec2(2 * pad, y + 30 * c.u), kInk, text, c.w - 4 * pad);
}

}  // namespace

const char* ReasonSlug(v1::PriorityReason reason) {
  switch (reason) {
    case v1::LANSIA:
      return "lansia";
    case v1::DISABILITAS:
      return "disabilitas";
    case v1::IBU_HAMIL:
      return "ibu-hamil";
    case v1::BALITA:
      return "balita";
    case v1::KORBAN_BENCANA:
      return "korban-bencana";
    default:
      return "none";
  }
}

bool LoadFonts(float short_side, Fonts* f) {
  const float s = short_side / 1080.0f;
  f->small = AddFont(kFontRegular, 28 * s);
  f->body = AddFont(kFontRegular, 34 * s);
  f->bold = AddFont(kFontBold, 34 * s);
  f->large = AddFont(kFontBold, 48 * s);
  f->title = AddFont(kFontBold, 60 * s);
  f->huge = AddFont(kFontBold, 220 * s);
  return f->small && f->body && f->bold && f->large && f->title && f->huge;
}

void DrawKiosk(KioskModel* m, const Fonts& fonts, float w, float h, TapTargets* targets) {
  targets->BeginFrame(ImGui::GetTime());
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(ImVec2(w, h));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0);
  ImGui::PushStyleVar(ImGuiStyleVar_ScrollbarSize, 36 * std::min(w, h) / 1080.0f);
  ImGui::PushStyleColor(ImGuiCol_WindowBg, ImGui::ColorConvertU32ToFloat4(kPage));
  ImGui::Begin("kiosk", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                   ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoSavedSettings);
  Ctx c{m, fonts, w, h, std::min(w, h) / 1080.0f, h > w, targets, ImGui::GetWindowDrawList()};
  LayoutBox page("page", ImVec2(0, 0), ImVec2(w, h), kPage);
  float y = Header(c);
  y += OfflineBanner(c, y);
  const Screen s = m->screen();
  const bool back = s == Screen::kServices || s == Screen::kStandard || s == Screen::kPriority ||
                    s == Screen::kRefused || s == Screen::kCheckIn;
  if (s == Screen::kAgencies || s == Screen::kCheckIn) {
    // A barcode scanner types the booking's QR code and Enter (a keyboard too).
    std::string typed;
    for (ImWchar ch : ImGui::GetIO().InputQueueCharacters) {
      if (ch >= 0x20 && ch < 0x7f) typed += static_cast<char>(ch);
    }
    if (ImGui::IsKeyPressed(GLFW_KEY_ENTER, false)) typed += '\n';
    if (!typed.empty()) m->TypeText(typed);
  }
  const bool home = back || s == Screen::kTicket;
  const float bottom = (back || home) ? Footer(c, back, home && s != Screen::kTicket) : h;
  switch (s) {
    case Screen::kConnecting:
      Title(c, y + 200 * c.u,
            T(m->lang(), "Menghubungkan ke server antrean\u2026",
              "Connecting to the queue server\u2026"));
      break;
    case Screen::kAgencies:
      Agencies(c, y, bottom);
      break;
    case Screen::kServices:
      Services(c, y, bottom);
      break;
    case Screen::kStandard:
      Standard(c, y, bottom);
      break;
    case Screen::kPriority:
      Priority(c, y, bottom);
      break;
    case Screen::kIssuing:
      Issuing(c, y, bottom);
      break;
    case Screen::kTicket: {
      Ticket(c, y, bottom);
      const float pad = 40 * c.u;
      const ImVec2 size(std::min(420 * c.u, c.w / 2 - pad), 150 * c.u - 48 * c.u);
      if (Button(c, "done", ImVec2(c.w - pad - size.x, c.h - 150 * c.u + 24 * c.u), size,
                 T(m->lang(), "Selesai", "Done"), "", kPrimary)) {
        m->TapHome();
      }
      break;
    }
    case Screen::kRefused:
      Refused(c, y, bottom);
      break;
    case Screen::kCheckIn:
      CheckIn(c, y, bottom);
      break;
  }
  ImGui::End();
  ImGui::PopStyleColor();
  ImGui::PopStyleVar(3);
}

}  // namespace mpp::kiosk
