#include "display/screen.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "common/gui_window.h"

namespace mpp::display {
namespace {

const ImU32 kNavy = Rgb(11, 45, 110);
const ImU32 kWhite = Rgb(255, 255, 255);
const ImU32 kInk = Rgb(20, 24, 33);
const ImU32 kPanel = Rgb(244, 246, 250);
const ImU32 kAmber = Rgb(255, 193, 7);
const ImU32 kRed = Rgb(200, 30, 30);

ImVec2 Measure(ImFont* f, const std::string& s) { return MeasureText(f, s); }

void Text(ImDrawList* dl, ImFont* f, float x, float y, ImU32 col, const std::string& s) {
  DrawText(dl, f, ImVec2(x, y), col, s);
}

// Shrinks a string with "..." until it fits `max_w`.
std::string Fit(ImFont* f, std::string s, float max_w) {
  if (Measure(f, s).x <= max_w) return s;
  while (s.size() > 1 && Measure(f, s + "...").x > max_w) s.pop_back();
  return s + "...";
}

void Centered(ImDrawList* dl, ImFont* f, float cx, float y, ImU32 col, const std::string& s,
              float max_w) {
  const std::string fitted = Fit(f, s, max_w);
  Text(dl, f, cx - Measure(f, fitted).x / 2, y, col, fitted);
}

}  // namespace

bool LoadFonts(float height, Fonts* fonts) {
  const float s = height / 1080.0f;
  auto load = [&](float px) { return AddFont(kFontBold, px * s); };
  fonts->small = load(28);
  fonts->medium = load(44);
  fonts->large = load(72);
  fonts->huge = load(230);
  return fonts->small && fonts->medium && fonts->large && fonts->huge;
}

void DrawScreen(const DisplayModel& m, const Fonts& fonts, float w, float h, double t, Lang lang) {
  ImDrawList* dl = ImGui::GetBackgroundDrawList();
  const float s = h / 1080.0f;
  const float pad = 24 * s;
  dl->AddRectFilled(ImVec2(0, 0), ImVec2(w, h), Rgb(226, 231, 240));

  // Header: MPP name and zone, date and clock.
  const float header_h = 120 * s;
  dl->AddRectFilled(ImVec2(0, 0), ImVec2(w, header_h), kNavy);
  Text(dl, fonts.medium, pad, 14 * s, kWhite, Fit(fonts.medium, m.mpp_name, w * 0.6f));
  Text(dl, fonts.small, pad, 70 * s, Rgb(190, 205, 235), m.zone_name);
  const ImVec2 clock = Measure(fonts.large, m.clock_text);
  Text(dl, fonts.large, w - pad - clock.x, 6 * s, kWhite, m.clock_text);
  const ImVec2 date = Measure(fonts.small, m.date_text);
  Text(dl, fonts.small, w - pad - date.x, 82 * s, Rgb(190, 205, 235), m.date_text);

  float y = header_h;
  if (!m.banner.empty()) {
    const float bh = 76 * s;
    dl->AddRectFilled(ImVec2(0, y), ImVec2(w, y + bh), kRed);
    // The advice must be read whole: a smaller face rather than a cut sentence.
    ImFont* face = Measure(fonts.medium, m.banner).x <= w - 2 * pad ? fonts.medium : fonts.small;
    Centered(dl, face, w / 2, y + (face == fonts.medium ? 14 : 22) * s, kWhite, m.banner, w - 2 * pad);
    y += bh;
  }

  // Now calling (left) and recent calls (right).
  const float main_h = 470 * s;
  const float left_w = w * 0.62f;
  const ImVec2 a(pad, y + pad), b(left_w - pad / 2, y + main_h);
  const bool flash_on = m.highlight && std::fmod(t, 0.8) < 0.5;
  dl->AddRectFilled(a, b, flash_on ? kAmber : kWhite, 18 * s);
  dl->AddRect(a, b, m.highlight ? kAmber : Rgb(180, 190, 210), 18 * s, 0, 6 * s);
  const float cx = (a.x + b.x) / 2;
  Centered(dl, fonts.medium, cx, a.y + 16 * s, kNavy,
           lang == Lang::kId ? "NOMOR ANTREAN" : "NOW CALLING", b.x - a.x);
  if (m.has_call) {
    Centered(dl, fonts.huge, cx, a.y + 70 * s, kInk, m.now_calling.number, b.x - a.x);
    Centered(dl, fonts.large, cx, a.y + 310 * s, kNavy,
             (lang == Lang::kId ? "Silakan ke " : "Please go to ") + m.now_calling.counter,
             b.x - a.x - 2 * pad);
    Centered(dl, fonts.small, cx, b.y - 52 * s, Rgb(70, 80, 100), m.now_calling.agency,
             b.x - a.x - 2 * pad);
  } else {
    Centered(dl, fonts.large, cx, a.y + 180 * s, Rgb(120, 130, 150), m.idle_text, b.x - a.x);
  }

  const ImVec2 ra(left_w + pad / 2, y + pad), rb(w - pad, y + main_h);
  dl->AddRectFilled(ra, rb, kPanel, 18 * s);
  Text(dl, fonts.medium, ra.x + pad, ra.y + 14 * s, kNavy,
       lang == Lang::kId ? "PANGGILAN TERAKHIR" : "RECENT CALLS");
  float ry = ra.y + 80 * s;
  const float row_h = 62 * s;
  for (const CallLine& c : m.history) {
    if (ry + row_h > rb.y) break;
    dl->AddLine(ImVec2(ra.x + pad, ry - 6 * s), ImVec2(rb.x - pad, ry - 6 * s), Rgb(205, 212, 225),
                2 * s);
    Text(dl, fonts.medium, ra.x + pad, ry, kInk, c.number);
    const std::string counter = Fit(fonts.medium, c.counter, (rb.x - ra.x) * 0.5f);
    Text(dl, fonts.medium, rb.x - pad - Measure(fonts.medium, counter).x, ry, kNavy, counter);
    ry += row_h;
  }

  // Counter tiles.
  y += main_h + pad;
  const int n = static_cast<int>(m.counters.size());
  const int cols = std::max(1, std::min(n, 8));
  const int rows = n == 0 ? 0 : (n + cols - 1) / cols;
  const float ticker_h = 76 * s;
  const float waiting_h = 120 * s;  // two rows of chips
  const float tiles_bottom = h - ticker_h - waiting_h - pad;
  const float tile_h = rows ? std::min(230 * s, (tiles_bottom - y) / rows - pad / 2) : 0;
  const float tile_w = (w - pad * (cols + 1)) / cols;
  for (int i = 0; i < n; ++i) {
    const CounterPanel& p = m.counters[i];
    const float tx = pad + (i % cols) * (tile_w + pad);
    const float ty = y + (i / cols) * (tile_h + pad / 2);
    ImU32 bg = Rgb(120, 128, 140), fg = kWhite;
    switch (p.tone) {
      case CounterPanel::Tone::kServing:
        bg = Rgb(25, 135, 84);
        break;
      case CounterPanel::Tone::kCalling:
        bg = kAmber;
        fg = kInk;
        break;
      case CounterPanel::Tone::kIdle:
        bg = Rgb(13, 110, 253);
        break;
      case CounterPanel::Tone::kBreak:
        bg = Rgb(214, 98, 0);
        break;
      case CounterPanel::Tone::kClosed:
        bg = Rgb(120, 128, 140);
        break;
    }
    dl->AddRectFilled(ImVec2(tx, ty), ImVec2(tx + tile_w, ty + tile_h), bg, 14 * s);
    const float tcx = tx + tile_w / 2;
    Centered(dl, fonts.medium, tcx, ty + 10 * s, fg, p.name, tile_w - 12 * s);
    if (!p.ticket.empty()) {
      // The largest font in which the whole number fits the tile.
      ImFont* f = Measure(fonts.large, p.ticket).x <= tile_w - 16 * s ? fonts.large : fonts.medium;
      Centered(dl, f, tcx, ty + tile_h * 0.5f - f->FontSize * 0.55f, fg, p.ticket, tile_w - 12 * s);
    }
    Centered(dl, fonts.small, tcx, ty + tile_h - 42 * s, fg, p.state_text, tile_w - 12 * s);
  }

  // Waiting counts: services with people waiting first, in two rows of chips.
  const float wy = h - ticker_h - waiting_h;
  dl->AddRectFilled(ImVec2(0, wy), ImVec2(w, wy + waiting_h), kPanel);
  const std::string label = lang == Lang::kId ? "Menunggu:" : "Waiting:";
  Text(dl, fonts.small, pad, wy + 14 * s, kNavy, label);
  const float x0 = pad + Measure(fonts.small, label).x + pad;
  std::vector<const WaitingLine*> lines;
  for (const WaitingLine& line : m.waiting) lines.push_back(&line);
  std::stable_sort(lines.begin(), lines.end(), [](const WaitingLine* a, const WaitingLine* b) {
    return (a->waiting > 0) > (b->waiting > 0);
  });
  float wx = x0;
  float row_y = wy + 8 * s;
  const float chip_h = 46 * s;
  for (const WaitingLine* line : lines) {
    const std::string chip = line->service + "  " + std::to_string(line->waiting);
    const float cw = Measure(fonts.small, chip).x + pad;
    if (wx + cw > w - pad) {
      wx = x0;
      row_y += chip_h + 8 * s;
      if (row_y + chip_h > wy + waiting_h) break;
    }
    dl->AddRectFilled(ImVec2(wx, row_y), ImVec2(wx + cw, row_y + chip_h),
                      line->waiting > 0 ? Rgb(255, 236, 179) : Rgb(230, 234, 242), 10 * s);
    Text(dl, fonts.small, wx + pad / 2, row_y + 6 * s, kInk, chip);
    wx += cw + pad / 2;
  }

  // Ticker: scrolls right to left, 140 px/s at 1080p.
  const float ty = h - ticker_h;
  dl->AddRectFilled(ImVec2(0, ty), ImVec2(w, h), kNavy);
  if (!m.ticker.empty()) {
    const float tw = Measure(fonts.medium, m.ticker).x;
    const float span = w + tw;
    const float x = w - static_cast<float>(std::fmod(t * 140.0 * s, span));
    dl->PushClipRect(ImVec2(0, ty), ImVec2(w, h));
    Text(dl, fonts.medium, x, ty + 14 * s, kWhite, m.ticker);
    dl->PopClipRect();
  }
}

}  // namespace mpp::display
