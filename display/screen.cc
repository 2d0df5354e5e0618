#include "display/screen.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "common/gui_window.h"
#include "common/layout.h"
#include "common/palette.h"
#include "display/info_panel.h"

namespace mpp::display {
namespace {

using palette::kInk;
using palette::kMuted;
using palette::kNavy;
using palette::kPale;
using palette::kPanel;
using palette::kRed;
using palette::kSignal;
using palette::kWhite;

// Counter tiles carry white names and numbers, read from afar: every tone
// is dark enough for 7:1 against white (amber carries dark ink instead).
struct Tone {
  ImU32 bg, fg;
};
Tone TileTone(CounterPanel::Tone t) {
  switch (t) {
    case CounterPanel::Tone::kServing:
      return {Rgb(0, 100, 50), kWhite};
    case CounterPanel::Tone::kCalling:
      return {kSignal, kInk};
    case CounterPanel::Tone::kIdle:
      return {Rgb(0, 70, 170), kWhite};
    case CounterPanel::Tone::kBreak:
      return {Rgb(140, 55, 0), kWhite};
    case CounterPanel::Tone::kClosed:
      break;
  }
  return {Rgb(80, 86, 96), kWhite};
}

float Width(ImFont* f, const std::string& s) { return MeasureText(f, s).x; }

// The first face of `faces` (largest first) in which `s` fits `max_w`, or
// the last one.
ImFont* Largest(std::initializer_list<ImFont*> faces, const std::string& s, float max_w) {
  ImFont* chosen = nullptr;
  for (ImFont* f : faces) {
    chosen = f;
    if (Width(f, s) <= max_w) break;
  }
  return chosen;
}

// Where everything goes on a w x h screen (computed the same for drawing and
// for RecentRows).
struct Layout {
  float s, pad;
  ImVec2 header_max;
  float banner_y, banner_h;
  ImVec2 call_min, call_max;      // the called number
  ImVec2 recent_min, recent_max;  // the recent calls
  float recent_rows_y, recent_row_h;
  size_t recent_rows;
  float tiles_y, tiles_bottom, tiles_right;
  ImVec2 info_min, info_max;  // the MPP's images (when asked): right column or under the tiles
  float waiting_y, waiting_h, chip_h;
  float ticker_y;
};

float TickerTop(const Fonts& f, float h, float s) { return h - (f.medium->FontSize + 24 * s); }

Layout ComputeLayout(const Fonts& f, float w, float h, float banner_h, bool info) {
  Layout l;
  // One scale for both directions, so a portrait screen keeps the proportions
  // and gives its extra height to the counter tiles.
  l.s = std::min(h / 1080.0f, w / 1920.0f);
  const float s = l.s;
  l.pad = 20 * s;
  l.header_max = ImVec2(w, f.large->FontSize + f.small->FontSize + 4 * s);
  l.banner_y = l.header_max.y;
  l.banner_h = banner_h;
  const float top = l.banner_y + banner_h + l.pad;
  const float main_h = 6 * s + f.medium->FontSize + f.huge->FontSize + f.medium->FontSize +
                       f.counter->FontSize + f.small->FontSize + 10 * s;
  const float left_w = w * 0.6f;
  l.call_min = ImVec2(l.pad, top);
  l.call_max = ImVec2(left_w - l.pad / 2, top + main_h);
  l.recent_min = ImVec2(left_w + l.pad / 2, top);
  l.recent_max = ImVec2(w - l.pad, top + main_h);
  l.recent_rows_y = top + 12 * s + f.medium->FontSize + 10 * s;
  l.recent_row_h = f.large->FontSize + 10 * s;
  l.recent_rows = static_cast<size_t>(
      std::max(0.0f, std::floor((l.recent_max.y - 8 * s - l.recent_rows_y) / l.recent_row_h)));
  l.ticker_y = TickerTop(f, h, s);
  l.chip_h = f.small->FontSize + 12 * s;
  l.waiting_h = 2 * l.chip_h + 3 * 8 * s;
  l.waiting_y = l.ticker_y - l.waiting_h;
  l.tiles_y = l.call_max.y + l.pad;
  l.tiles_bottom = l.waiting_y - l.pad / 2;
  l.tiles_right = w - l.pad;
  if (info && h > w) {
    // Portrait: the lower half of the space under the called number.
    const float mid = (l.tiles_y + l.tiles_bottom) / 2;
    l.info_min = ImVec2(l.pad, mid + l.pad / 2);
    l.info_max = ImVec2(w - l.pad, l.tiles_bottom);
    l.tiles_bottom = mid - l.pad / 2;
  } else if (info) {
    // Landscape: the right column below three recent calls, down to the
    // waiting counts; the tiles keep the left column.
    l.recent_rows = std::min<size_t>(l.recent_rows, 3);
    l.recent_max.y = l.recent_rows_y + l.recent_rows * l.recent_row_h + 8 * s;
    l.info_min = ImVec2(l.recent_min.x, l.recent_max.y + l.pad);
    l.info_max = ImVec2(l.recent_max.x, l.tiles_bottom);
    l.tiles_right = l.call_max.x;
  }
  return l;
}

float BannerHeight(const Fonts& f, const std::string& banner, float w, float s) {
  if (banner.empty()) return 0;
  const float pad = 20 * s;
  if (Width(f.medium, banner) <= w - 2 * pad) return f.medium->FontSize + 24 * s;
  return MeasureText(f.small, banner, w - 2 * pad).y + 24 * s;
}

void Header(ImDrawList* dl, const DisplayModel& m, const Fonts& f, const Layout& l, float w) {
  const float s = l.s, pad = l.pad;
  dl->AddRectFilled(ImVec2(0, 0), l.header_max, kNavy);
  LayoutBox box("header", ImVec2(0, 0), l.header_max, kNavy);
  const float clock_w = Width(f.large, m.clock_text);
  const float date_w = Width(f.small, m.date_text);
  const float right_w = std::max(clock_w, date_w);
  DrawText(dl, f.large, ImVec2(w - pad - clock_w, 0), kWhite, m.clock_text);
  DrawText(dl, f.small, ImVec2(w - pad - date_w, f.large->FontSize), kPale, m.date_text);
  // The hall's name and zone on the left, never under the clock.
  const float name_w = w - right_w - 3 * pad;
  ImFont* name_face = Largest({f.medium, f.small}, m.mpp_name, name_w);
  {
    LayoutBox left("header:name", ImVec2(0, 0), ImVec2(pad + name_w, l.header_max.y), kNavy,
                   kBoxMayShorten);  // the zone is what matters here
    DrawShortened(dl, name_face, ImVec2(pad, 6 * s), kWhite, FitText(name_face, m.mpp_name, name_w),
                  m.mpp_name);
    DrawShortened(dl, f.small, ImVec2(pad, l.header_max.y - f.small->FontSize - 2 * s), kPale,
                  FitText(f.small, m.zone_name, name_w), m.zone_name);
  }
}

void Banner(ImDrawList* dl, const DisplayModel& m, const Fonts& f, const Layout& l, float w) {
  if (m.banner.empty()) return;
  const ImVec2 a(0, l.banner_y), b(w, l.banner_y + l.banner_h);
  dl->AddRectFilled(a, b, kRed);
  LayoutBox box("banner", a, b, kRed);
  // The advice must be read whole: a smaller face, then two lines, never a cut sentence.
  const float wrap = w - 2 * l.pad;
  if (Width(f.medium, m.banner) <= wrap) {
    DrawCentered(dl, f.medium, w / 2, a.y + 12 * l.s, kWhite, m.banner);
  } else {
    DrawCenteredWrapped(dl, f.small, w / 2, a.y + 12 * l.s, kWhite, m.banner, wrap);
  }
}

void NowCalling(ImDrawList* dl, const DisplayModel& m, const Fonts& f, const Layout& l, double t,
                Lang lang) {
  const float s = l.s;
  const ImVec2 a = l.call_min, b = l.call_max;
  const bool flash_on = m.highlight && std::fmod(t, 0.8) < 0.5;
  const ImU32 bg = flash_on ? kSignal : kWhite;
  dl->AddRectFilled(a, b, bg, 18 * s);
  dl->AddRect(a, b, m.highlight ? kSignal : Rgb(180, 190, 210), 18 * s, 0, 6 * s);
  const float inner = b.x - a.x - 2 * l.pad;
  const float cx = (a.x + b.x) / 2;
  LayoutBox box("now calling", ImVec2(a.x + l.pad, a.y), ImVec2(b.x - l.pad, b.y), bg);
  float y = a.y + 6 * s;
  DrawCentered(dl, f.medium, cx, y, kNavy, lang == Lang::kId ? "NOMOR ANTREAN" : "NOW CALLING");
  y += f.medium->FontSize;
  if (!m.has_call) {
    const float h = MeasureText(f.large, m.idle_text, inner).y;
    DrawCenteredWrapped(dl, f.large, cx, (y + b.y - h) / 2, kMuted, m.idle_text, inner);
    return;
  }
  {
    LayoutRole role("number");
    // Never cut: a number too long for the huge face takes the counter's.
    ImFont* face = Largest({f.huge, f.counter}, m.now_calling.number, inner);
    DrawCentered(dl, face, cx, y + (f.huge->FontSize - face->FontSize) / 2, kInk,
                 m.now_calling.number);
  }
  y += f.huge->FontSize;
  DrawCentered(dl, f.medium, cx, y, kNavy, lang == Lang::kId ? "Silakan ke" : "Please go to");
  y += f.medium->FontSize;
  {
    LayoutRole role("counter");
    ImFont* face = Largest({f.counter, f.large, f.medium}, m.now_calling.counter, inner);
    DrawCentered(dl, face, cx, y + (f.counter->FontSize - face->FontSize) / 2, kNavy,
                 m.now_calling.counter);
  }
  y += f.counter->FontSize;
  LayoutBox agency("now calling:agency", ImVec2(a.x + l.pad, y), ImVec2(b.x - l.pad, b.y), bg,
                   kBoxMayShorten);  // the counter says where; the agency only helps
  const std::string text = FitText(f.small, m.now_calling.agency, inner);
  DrawShortened(dl, f.small, ImVec2(cx - Width(f.small, text) / 2, y), kMuted, text,
                m.now_calling.agency);
}

void Recent(ImDrawList* dl, const DisplayModel& m, const Fonts& f, const Layout& l, Lang lang) {
  const float s = l.s;
  const ImVec2 a = l.recent_min, b = l.recent_max;
  dl->AddRectFilled(a, b, kPanel, 18 * s);
  LayoutBox box("recent calls", ImVec2(a.x + l.pad, a.y), ImVec2(b.x - l.pad, b.y), kPanel);
  DrawText(dl, f.medium, ImVec2(a.x + l.pad, a.y + 12 * s), kNavy,
           lang == Lang::kId ? "PANGGILAN TERAKHIR" : "RECENT CALLS");
  const float inner = b.x - a.x - 2 * l.pad;
  float y = l.recent_rows_y;
  size_t shown = 0;
  for (const CallLine& c : m.history) {
    if (shown >= l.recent_rows) break;
    dl->AddLine(ImVec2(a.x + l.pad, y - 5 * s), ImVec2(b.x - l.pad, y - 5 * s), Rgb(205, 212, 225),
                2 * s);
    // Number on the left, counter on the right, in the largest face both fit.
    ImFont* face = f.large;
    for (ImFont* candidate : {f.large, f.medium, f.small}) {
      face = candidate;
      if (Width(face, c.number) + Width(face, c.counter) + l.pad <= inner) break;
    }
    const float dy = (f.large->FontSize - face->FontSize) / 2;
    {
      LayoutRole role("number");
      DrawText(dl, face, ImVec2(a.x + l.pad, y + dy), kInk, c.number);
    }
    LayoutRole role("counter");
    DrawText(dl, face, ImVec2(b.x - l.pad - Width(face, c.counter), y + dy), kNavy, c.counter);
    y += l.recent_row_h;
    ++shown;
  }
  RecordList("recent calls", static_cast<int>(m.history.size()), static_cast<int>(shown), false);
}

// Counter tiles: name on top, then the number (or the state when there is
// none), in the largest faces for which every tile fits, wrapping into rows.
void Tiles(ImDrawList* dl, const DisplayModel& m, const Fonts& f, const Layout& l, float w) {
  const int n = static_cast<int>(m.counters.size());
  if (n == 0) return;
  const float s = l.s, gap = 8 * s, hpad = 10 * s, vpad = 5 * s;
  const float area_w = l.tiles_right - l.pad, area_h = l.tiles_bottom - l.tiles_y;
  struct Choice {
    ImFont *name, *line2;
  };
  const Choice choices[] = {
      {f.medium, f.large}, {f.medium, f.medium}, {f.small, f.medium}, {f.small, f.small}};
  Choice c = choices[3];
  int cols = 1, rows = n;
  float need_h = 0;
  for (const Choice& candidate : choices) {
    float need_w = 0;
    for (const CounterPanel& p : m.counters) {
      need_w = std::max(need_w, Width(candidate.name, p.name));
      need_w =
          std::max(need_w, Width(candidate.line2, p.ticket.empty() ? p.short_state : p.ticket));
    }
    need_w += 2 * hpad;
    need_h = candidate.name->FontSize + candidate.line2->FontSize + 3 * vpad;
    cols = std::clamp(static_cast<int>((area_w + gap) / (need_w + gap)), 1, n);
    rows = (n + cols - 1) / cols;
    cols = (n + rows - 1) / rows;  // balanced rows: 11 + 11, not 16 + 6
    c = candidate;
    if (need_w <= area_w && rows * need_h + (rows - 1) * gap <= area_h) break;
  }
  const float tile_w = (area_w - (cols - 1) * gap) / cols;
  const int fit_rows =
      std::max(0, std::min(rows, static_cast<int>((area_h + gap) / (need_h + gap))));
  const float tile_h =
      fit_rows ? std::min(need_h * 1.6f, (area_h - (fit_rows - 1) * gap) / fit_rows) : 0;
  int capacity = fit_rows * cols;
  const bool more = capacity < n;
  if (more) --capacity;  // the last place says how many are not shown
  for (int i = 0; i < std::min(n, capacity); ++i) {
    const CounterPanel& p = m.counters[i];
    const Tone tone = TileTone(p.tone);
    const ImVec2 a(l.pad + (i % cols) * (tile_w + gap), l.tiles_y + (i / cols) * (tile_h + gap));
    const ImVec2 b(a.x + tile_w, a.y + tile_h);
    dl->AddRectFilled(a, b, tone.bg, 12 * s);
    LayoutBox box("tile:" + p.name, ImVec2(a.x + hpad / 2, a.y), ImVec2(b.x - hpad / 2, b.y),
                  tone.bg);
    const float cx = (a.x + b.x) / 2;
    const float y = a.y + (tile_h - need_h) / 2 + vpad;
    {
      LayoutRole role("counter");
      DrawCentered(dl, c.name, cx, y, tone.fg, p.name);
    }
    LayoutRole role(p.ticket.empty() ? "" : "number");
    DrawCentered(dl, c.line2, cx, y + c.name->FontSize + vpad, tone.fg,
                 p.ticket.empty() ? p.short_state : p.ticket);
  }
  if (more && capacity >= 0) {
    const int i = capacity;
    const ImVec2 a(l.pad + (i % cols) * (tile_w + gap), l.tiles_y + (i / cols) * (tile_h + gap));
    LayoutBox box("tiles:more", a, ImVec2(a.x + tile_w, a.y + tile_h), Rgb(226, 231, 240));
    DrawCentered(dl, c.name, a.x + tile_w / 2, a.y + (tile_h - c.name->FontSize) / 2, kInk,
                 "+" + std::to_string(n - capacity));
  }
  RecordList("counter tiles", n, std::min(n, std::max(0, capacity)), more);
}

// Waiting counts: services with people waiting first, two rows of chips; what
// does not fit is counted in a last chip, "+N lagi".
void Waiting(ImDrawList* dl, const DisplayModel& m, const Fonts& f, const Layout& l, float w,
             Lang lang) {
  const float s = l.s, pad = l.pad;
  const float wy = l.waiting_y;
  dl->AddRectFilled(ImVec2(0, wy), ImVec2(w, wy + l.waiting_h), kPanel);
  LayoutBox strip("waiting", ImVec2(0, wy), ImVec2(w, wy + l.waiting_h), kPanel);
  const std::string label = lang == Lang::kId ? "Menunggu:" : "Waiting:";
  DrawText(dl, f.small, ImVec2(pad, wy + 8 * s + 6 * s), kNavy, label);
  const float x0 = pad + Width(f.small, label) + pad;
  const float right = w - pad;
  std::vector<const WaitingLine*> lines;
  for (const WaitingLine& line : m.waiting) lines.push_back(&line);
  std::stable_sort(lines.begin(), lines.end(), [](const WaitingLine* a, const WaitingLine* b) {
    return (a->waiting > 0) > (b->waiting > 0);
  });
  struct Chip {
    std::string text, whole;
    ImVec2 at;
    float w;
    bool busy;
  };
  const float inner = pad;  // text inset, both sides together
  auto more_text = [&](size_t left) {
    return "+" + std::to_string(left) + (lang == Lang::kId ? " lagi" : " more");
  };
  // Lays out chips [0, count) and reports whether they all fit in two rows
  // (with room for a "+N" chip after them when count < all).
  auto place = [&](size_t count, std::vector<Chip>* out) {
    out->clear();
    float x = x0, y = wy + 8 * s;
    int row = 0;
    // `tail` ("  8") is never cut; a long name takes at most a third of the
    // row, not a row of its own.
    auto put = [&](const std::string& name, const std::string& tail, bool busy) {
      const std::string whole = name + tail;
      const std::string text =
          FitText(f.small, name, (right - x0) / 3 - inner - Width(f.small, tail)) + tail;
      const float cw = Width(f.small, text) + inner;
      if (x + cw > right) {
        if (++row > 1) return false;
        x = x0;
        y += l.chip_h + 8 * s;
      }
      out->push_back({text, whole, ImVec2(x, y), cw, busy});
      x += cw + pad / 2;
      return true;
    };
    for (size_t i = 0; i < count; ++i) {
      const WaitingLine* line = lines[i];
      if (!put(line->service, "  " + std::to_string(line->waiting), line->waiting > 0)) {
        return false;
      }
    }
    return count == lines.size() || put(more_text(lines.size() - count), "", false);
  };
  std::vector<Chip> chips;
  size_t count = lines.size();
  while (count > 0 && !place(count, &chips)) --count;
  if (count == 0) place(0, &chips);
  for (const Chip& chip : chips) {
    const ImU32 bg = chip.busy ? Rgb(255, 236, 179) : Rgb(226, 231, 240);
    const ImVec2 b(chip.at.x + chip.w, chip.at.y + l.chip_h);
    dl->AddRectFilled(chip.at, b, bg, 10 * s);
    LayoutBox box("chip", chip.at, b, bg, kBoxMayShorten);  // the prefix on the ticket is enough
    DrawShortened(dl, f.small, ImVec2(chip.at.x + inner / 2, chip.at.y + 6 * s), kInk, chip.text,
                  chip.whole);
  }
  RecordList("waiting chips", static_cast<int>(lines.size()), static_cast<int>(count),
             count < lines.size());
}

// The strip at the bottom, drawn whole: its own background first, so that
// drawn alone over a kept frame it leaves no trace of the text's last place.
void Ticker(ImDrawList* dl, const DisplayModel& m, const Fonts& f, float w, float h, double t) {
  const float s = std::min(h / 1080.0f, w / 1920.0f);
  const float ticker_y = TickerTop(f, h, s);
  dl->AddRectFilled(ImVec2(0, ticker_y), ImVec2(w, h), kNavy);
  if (m.ticker.empty()) return;
  // Scrolls right to left, 140 px/s at 1080p.
  const float tw = Width(f.medium, m.ticker);
  const float span = w + tw;
  const float x = w - static_cast<float>(std::fmod(t * 140.0 * s, span));
  LayoutBox box("ticker", ImVec2(0, ticker_y), ImVec2(w, h), kNavy, kBoxMoving);
  dl->PushClipRect(ImVec2(0, ticker_y), ImVec2(w, h));
  DrawText(dl, f.medium, ImVec2(x, ticker_y + 12 * s), kWhite, m.ticker);
  dl->PopClipRect();
}

}  // namespace

bool LoadFonts(float width, float height, Fonts* fonts) {
  const float s = std::min(height / 1080.0f, width / 1920.0f);
  fonts->small = AddFont(kFontBold, 28 * s);
  fonts->medium = AddFont(kFontBold, 44 * s);
  fonts->large = AddFont(kFontBold, 72 * s);
  // Numbers and counter names only: ASCII keeps the atlas small at 4K.
  fonts->counter = AddFont(kFontBold, 124 * s, /*ascii_only=*/true);
  fonts->huge = AddFont(kFontBold, 262 * s, /*ascii_only=*/true);
  return fonts->small && fonts->medium && fonts->large && fonts->counter && fonts->huge;
}

size_t RecentRows(const Fonts& fonts, float width, float height, bool banner, bool info) {
  const float s = std::min(height / 1080.0f, width / 1920.0f);
  // The banner is one line or two: plan for two, so that rows are never
  // promised to the model and then dropped.
  const float banner_h =
      banner ? std::max(2 * fonts.small->FontSize, fonts.medium->FontSize) + 24 * s : 0;
  return ComputeLayout(fonts, width, height, banner_h, info).recent_rows;
}

void DrawScreen(const DisplayModel& m, const Fonts& fonts, float w, float h, double t, Lang lang,
                const InfoPanel* info) {
  DrawStill(m, fonts, w, h, t, lang, info);
  DrawTicker(m, fonts, w, h, t);
}

void DrawTicker(const DisplayModel& m, const Fonts& fonts, float w, float h, double t) {
  Ticker(ImGui::GetBackgroundDrawList(), m, fonts, w, h, t);
}

void DrawStill(const DisplayModel& m, const Fonts& fonts, float w, float h, double t, Lang lang,
               const InfoPanel* info) {
  ImDrawList* dl = ImGui::GetBackgroundDrawList();
  const float s = std::min(h / 1080.0f, w / 1920.0f);
  dl->AddRectFilled(ImVec2(0, 0), ImVec2(w, h), Rgb(226, 231, 240));
  const bool with_info = info && info->has_image();
  const Layout l = ComputeLayout(fonts, w, h, BannerHeight(fonts, m.banner, w, s), with_info);
  Header(dl, m, fonts, l, w);
  Banner(dl, m, fonts, l, w);
  NowCalling(dl, m, fonts, l, t, lang);
  Recent(dl, m, fonts, l, lang);
  Tiles(dl, m, fonts, l, w);
  if (with_info) {
    dl->AddRectFilled(l.info_min, l.info_max, kPanel, 18 * s);
    const ImVec2 in(l.info_min.x + 8 * s, l.info_min.y + 8 * s);
    const ImVec2 out(l.info_max.x - 8 * s, l.info_max.y - 8 * s);
    info->Draw(dl, in, out);
    // Recorded as a text-sized box: no text may be drawn over the image.
    LayoutBox box("info panel", l.info_min, l.info_max, kPanel);
    RecordText(fonts.small, in, ImVec2(out.x - in.x, out.y - in.y), kInk, "(image)");
  }
  Waiting(dl, m, fonts, l, w, lang);
}

}  // namespace mpp::display
