#include "common/layout.h"

#include <fmt/format.h>
#include <imgui_internal.h>  // ImTextCharFromUtf8

#include <algorithm>
#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>

namespace mpp {
namespace {

struct Box {
  std::string name;
  ImVec2 min, max;
  ImU32 bg;
  int flags;
};

struct Recorder {
  LayoutFrame frame;
  std::vector<Box> boxes;
  std::string role;
};

std::unique_ptr<Recorder>& TheRecorder() {
  thread_local std::unique_ptr<Recorder> recorder;
  return recorder;
}

// The height of the tallest glyph's ink in `text`, at the font's size.
float InkHeight(ImFont* font, const std::string& text) {
  float top = 1e9f, bottom = -1e9f;
  for (const char* p = text.c_str(); *p;) {
    unsigned int c = 0;
    const int n = ImTextCharFromUtf8(&c, p, nullptr);
    p += n > 0 ? n : 1;
    if (c == ' ' || c == '\n') continue;
    const ImFontGlyph* g = font->FindGlyphNoFallback(static_cast<ImWchar>(c));
    if (!g) continue;
    top = std::min(top, g->Y0);
    bottom = std::max(bottom, g->Y1);
  }
  return bottom > top ? bottom - top : 0;
}

double Luminance(ImU32 c) {
  auto channel = [](int v) {
    const double s = v / 255.0;
    return s <= 0.03928 ? s / 12.92 : std::pow((s + 0.055) / 1.055, 2.4);
  };
  const int r = (c >> IM_COL32_R_SHIFT) & 0xFF, g = (c >> IM_COL32_G_SHIFT) & 0xFF,
            b = (c >> IM_COL32_B_SHIFT) & 0xFF;
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

std::string Rect(ImVec2 a, ImVec2 b) {
  return fmt::format("({:.0f},{:.0f})-({:.0f},{:.0f})", a.x, a.y, b.x, b.y);
}

std::string Quote(const TextRecord& t) {
  std::string s = t.text.size() > 60 ? t.text.substr(0, 57) + "..." : t.text;
  for (char& c : s) {
    if (c == '\n') c = ' ';
  }
  return "'" + s + "'";
}

}  // namespace

LayoutFrame* LayoutRecording() {
  auto& r = TheRecorder();
  return r ? &r->frame : nullptr;
}

void EnableLayoutRecording() {
  if (!TheRecorder()) TheRecorder() = std::make_unique<Recorder>();
}

void BeginLayoutFrame(float width, float height) {
  auto& r = TheRecorder();
  if (!r) return;
  r->frame = LayoutFrame{width, height, {}, {}, {}};
  r->boxes.clear();
  r->role.clear();
}

void PrependLayout(const LayoutFrame& kept, LayoutFrame* frame) {
  frame->texts.insert(frame->texts.begin(), kept.texts.begin(), kept.texts.end());
  frame->lists.insert(frame->lists.begin(), kept.lists.begin(), kept.lists.end());
  frame->boxes.insert(frame->boxes.begin(), kept.boxes.begin(), kept.boxes.end());
}

LayoutBox::LayoutBox(const std::string& name, ImVec2 min, ImVec2 max, ImU32 bg, int flags) {
  auto& r = TheRecorder();
  if (!r) return;
  if (!r->boxes.empty()) {
    const Box& parent = r->boxes.back();
    int parent_flags = 0;
    for (const Box& outer : r->boxes) parent_flags |= outer.flags;
    r->frame.boxes.push_back({name, parent.name, min, max, parent.min, parent.max, parent_flags});
  }
  r->boxes.push_back({name, min, max, bg, flags});
  active_ = true;
}

LayoutBox::~LayoutBox() {
  auto& r = TheRecorder();
  if (active_ && r && !r->boxes.empty()) r->boxes.pop_back();
}

LayoutRole::LayoutRole(const char* role) {
  auto& r = TheRecorder();
  if (!r) return;
  previous_ = r->role;
  r->role = role;
  active_ = true;
}

LayoutRole::~LayoutRole() {
  auto& r = TheRecorder();
  if (active_ && r) r->role = previous_;
}

void RecordText(ImFont* font, ImVec2 min, ImVec2 size, ImU32 fg, const std::string& drawn,
                ImU32 bg_if_no_box, const std::string& shortened_from, ImVec2 clip_min,
                ImVec2 clip_max) {
  auto& r = TheRecorder();
  if (!r || drawn.empty() || !font) return;
  TextRecord t;
  t.text = shortened_from.empty() ? drawn : shortened_from;
  if (!shortened_from.empty()) t.drawn = drawn;
  t.min = min;
  t.max = ImVec2(min.x + size.x, min.y + size.y);
  t.font_px = font->FontSize;
  t.ink_px = InkHeight(font, drawn);
  t.fg = fg;
  t.role = r->role;
  if (r->boxes.empty()) {
    t.box = "screen";
    t.box_min = ImVec2(0, 0);
    t.box_max = ImVec2(r->frame.width, r->frame.height);
    t.bg = bg_if_no_box;
  } else {
    const Box& b = r->boxes.back();
    t.box = b.name;
    t.box_min = b.min;
    t.box_max = b.max;
    t.bg = b.bg;
    for (const Box& outer : r->boxes) t.flags |= outer.flags;
  }
  if (clip_min.x > t.box_min.x || clip_min.y > t.box_min.y || clip_max.x < t.box_max.x ||
      clip_max.y < t.box_max.y) {
    t.box_min = ImVec2(std::max(t.box_min.x, clip_min.x), std::max(t.box_min.y, clip_min.y));
    t.box_max = ImVec2(std::min(t.box_max.x, clip_max.x), std::min(t.box_max.y, clip_max.y));
    t.box += " (clip)";
  }
  r->frame.texts.push_back(std::move(t));
}

void RecordList(const std::string& name, int total, int shown, bool says_more) {
  auto& r = TheRecorder();
  if (!r) return;
  r->frame.lists.push_back({name, total, shown, says_more});
}

double ContrastRatio(ImU32 a, ImU32 b) {
  double la = Luminance(a), lb = Luminance(b);
  if (la < lb) std::swap(la, lb);
  return (la + 0.05) / (lb + 0.05);
}

std::vector<std::string> CheckLayout(const LayoutFrame& f, const LayoutRules& rules) {
  std::vector<std::string> out;
  constexpr float kSlack = 1.0f;  // sub-pixel rounding of positions
  const ImVec2 screen_max(f.width, f.height);
  for (const TextRecord& t : f.texts) {
    const bool scrolls = t.flags & kBoxScrollsY, moving = t.flags & kBoxMoving;
    // Cut: by its box, by the screen's edge, or to "..." on purpose.
    auto outside = [&](ImVec2 lo, ImVec2 hi) {
      const bool x_out = !moving && (t.min.x < lo.x - kSlack || t.max.x > hi.x + kSlack);
      const bool y_out = !scrolls && (t.min.y < lo.y - kSlack || t.max.y > hi.y + kSlack);
      return x_out || y_out;
    };
    if (outside(t.box_min, t.box_max)) {
      out.push_back(fmt::format("clipped: {} at {} does not fit its box {} {}", Quote(t),
                                Rect(t.min, t.max), t.box, Rect(t.box_min, t.box_max)));
    } else if (outside(ImVec2(0, 0), screen_max)) {
      out.push_back(fmt::format("clipped: {} at {} runs off the {}x{} screen", Quote(t),
                                Rect(t.min, t.max), f.width, f.height));
    }
    // A text that ends in "..." was cut, whether or not the screen said so
    // (a text that trails off on purpose ends in the ellipsis character).
    const std::string& shown = t.drawn.empty() ? t.text : t.drawn;
    const bool dots = shown.size() > 3 && shown.compare(shown.size() - 3, 3, "...") == 0;
    if ((!t.drawn.empty() || dots) && !(t.flags & kBoxMayShorten)) {
      out.push_back(fmt::format("cut: {} is drawn as '{}' in {}", Quote(t), shown, t.box));
    }
    // Readable: against what is behind it.
    const auto role_rule = rules.role_contrast.find(t.role);
    const double need =
        role_rule != rules.role_contrast.end() ? role_rule->second : rules.min_contrast;
    if (t.bg == 0) {
      out.push_back(
          fmt::format("no background recorded for {} in {}: contrast unknown", Quote(t), t.box));
    } else if (const double c = ContrastRatio(t.fg, t.bg); c + 1e-9 < need) {
      out.push_back(
          fmt::format("contrast {:.2f}:1 < {:.1f}:1 for {} in {} (text #{:06x} on #{:06x})", c,
                      need, Quote(t), t.box, t.fg & 0xFFFFFF, t.bg & 0xFFFFFF));
    }
  }
  // Overlap: what is drawn of two texts (inside their boxes) must not meet.
  auto visible = [](const TextRecord& t, ImVec2* lo, ImVec2* hi) {
    *lo = t.min;
    *hi = t.max;
    if (t.flags & (kBoxScrollsY | kBoxMoving)) {
      lo->x = std::max(lo->x, t.box_min.x);
      lo->y = std::max(lo->y, t.box_min.y);
      hi->x = std::min(hi->x, t.box_max.x);
      hi->y = std::min(hi->y, t.box_max.y);
    }
    return hi->x > lo->x && hi->y > lo->y;
  };
  for (size_t i = 0; i < f.texts.size(); ++i) {
    ImVec2 a0, a1;
    if (!visible(f.texts[i], &a0, &a1)) continue;
    for (size_t j = i + 1; j < f.texts.size(); ++j) {
      ImVec2 b0, b1;
      if (!visible(f.texts[j], &b0, &b1)) continue;
      const float ox = std::min(a1.x, b1.x) - std::max(a0.x, b0.x);
      const float oy = std::min(a1.y, b1.y) - std::max(a0.y, b0.y);
      if (ox > kSlack && oy > kSlack) {
        out.push_back(fmt::format("overlap: {} at {} and {} at {}", Quote(f.texts[i]), Rect(a0, a1),
                                  Quote(f.texts[j]), Rect(b0, b1)));
      }
    }
  }
  for (const BoxRecord& b : f.boxes) {
    const bool x_out = !(b.parent_flags & kBoxMoving) &&
                       (b.min.x < b.parent_min.x - kSlack || b.max.x > b.parent_max.x + kSlack);
    const bool y_out = !(b.parent_flags & kBoxScrollsY) &&
                       (b.min.y < b.parent_min.y - kSlack || b.max.y > b.parent_max.y + kSlack);
    if (x_out || y_out) {
      out.push_back(fmt::format("box {} at {} runs out of {} {}", b.name, Rect(b.min, b.max),
                                b.parent, Rect(b.parent_min, b.parent_max)));
    }
  }
  for (const ListRecord& l : f.lists) {
    if (l.shown < l.total && !l.says_more) {
      out.push_back(fmt::format("dropped: {} shows {} of {} items without saying so", l.name,
                                l.shown, l.total));
    }
  }
  return out;
}

std::string LayoutToJson(const LayoutFrame& f) {
  using nlohmann::json;
  json texts = json::array();
  for (const TextRecord& t : f.texts) {
    json j = {{"text", t.text},
              {"box", t.box},
              {"rect", {t.min.x, t.min.y, t.max.x, t.max.y}},
              {"box_rect", {t.box_min.x, t.box_min.y, t.box_max.x, t.box_max.y}},
              {"font_px", t.font_px},
              {"ink_px", t.ink_px},
              {"fg", t.fg},
              {"bg", t.bg},
              {"flags", t.flags}};
    if (!t.drawn.empty()) j["drawn"] = t.drawn;
    if (!t.role.empty()) j["role"] = t.role;
    texts.push_back(std::move(j));
  }
  json lists = json::array();
  for (const ListRecord& l : f.lists) {
    lists.push_back(
        {{"name", l.name}, {"total", l.total}, {"shown", l.shown}, {"says_more", l.says_more}});
  }
  json boxes = json::array();
  for (const BoxRecord& b : f.boxes) {
    boxes.push_back(
        {{"name", b.name},
         {"parent", b.parent},
         {"rect", {b.min.x, b.min.y, b.max.x, b.max.y}},
         {"parent_rect", {b.parent_min.x, b.parent_min.y, b.parent_max.x, b.parent_max.y}},
         {"parent_flags", b.parent_flags}});
  }
  return json{{"width", f.width},
              {"height", f.height},
              {"texts", texts},
              {"lists", lists},
              {"boxes", boxes}}
      .dump(1);
}

StatusOr<LayoutFrame> LayoutFromJson(const std::string& text) {
  using nlohmann::json;
  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::Error("not a layout record (JSON object expected)");
  }
  try {
    LayoutFrame f;
    f.width = j.at("width").get<float>();
    f.height = j.at("height").get<float>();
    for (const json& t : j.at("texts")) {
      TextRecord r;
      r.text = t.at("text").get<std::string>();
      r.drawn = t.value("drawn", "");
      r.box = t.at("box").get<std::string>();
      r.role = t.value("role", "");
      const auto& a = t.at("rect");
      r.min = ImVec2(a[0].get<float>(), a[1].get<float>());
      r.max = ImVec2(a[2].get<float>(), a[3].get<float>());
      const auto& b = t.at("box_rect");
      r.box_min = ImVec2(b[0].get<float>(), b[1].get<float>());
      r.box_max = ImVec2(b[2].get<float>(), b[3].get<float>());
      r.font_px = t.at("font_px").get<float>();
      r.ink_px = t.at("ink_px").get<float>();
      r.fg = t.at("fg").get<uint32_t>();
      r.bg = t.at("bg").get<uint32_t>();
      r.flags = t.at("flags").get<int>();
      f.texts.push_back(std::move(r));
    }
    for (const json& l : j.at("lists")) {
      f.lists.push_back({l.at("name").get<std::string>(), l.at("total").get<int>(),
                         l.at("shown").get<int>(), l.at("says_more").get<bool>()});
    }
    for (const json& b : j.value("boxes", json::array())) {
      const auto& r = b.at("rect");
      const auto& p = b.at("parent_rect");
      f.boxes.push_back({b.at("name").get<std::string>(), b.at("parent").get<std::string>(),
                         ImVec2(r[0].get<float>(), r[1].get<float>()),
                         ImVec2(r[2].get<float>(), r[3].get<float>()),
                         ImVec2(p[0].get<float>(), p[1].get<float>()),
                         ImVec2(p[2].get<float>(), p[3].get<float>()),
                         b.at("parent_flags").get<int>()});
    }
    return f;
  } catch (const json::exception& e) {
    return Status::Error(std::string("malformed layout record: ") + e.what());
  }
}

}  // namespace mpp
