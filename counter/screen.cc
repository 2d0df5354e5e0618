#include "counter/screen.h"

#include <GLFW/glfw3.h>
#include <fmt/format.h>

#include <algorithm>
#include <cfloat>
#include <string>

#include "common/gui_window.h"
#include "common/layout.h"
#include "common/palette.h"

namespace mpp::counter {
namespace {

using palette::kAmber;
using palette::kDisabled;
using palette::kDisabledText;
using palette::kGreen;
using palette::kInk;
using palette::kMuted;
using palette::kNavy;
using palette::kPage;
using palette::kRed;
using palette::kWhite;

ImU32 ToneColor(Tone t) { return t == Tone::kGreen ? kGreen : t == Tone::kAmber ? kAmber : kRed; }

// Registers the last item as a tap target; true once it stands still (TapTargets).
bool Register(TapTargets* targets, const std::string& id, bool enabled = true) {
  return targets->Add(id, ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), enabled);
}

// A button that is also a tap target; disabled buttons are drawn grey.
bool Button(TapTargets* targets, const std::string& id, const std::string& label, ImVec2 size,
            bool enabled, ImU32 color = kNavy) {
  ImGui::PushID(id.c_str());
  ImGui::PushStyleColor(ImGuiCol_Button, ToVec4(enabled ? color : kDisabled));
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ToVec4(enabled ? color : kDisabled));
  ImGui::PushStyleColor(ImGuiCol_ButtonActive, ToVec4(enabled ? kInk : kDisabled));
  ImGui::PushStyleColor(ImGuiCol_Text, ToVec4(enabled ? kWhite : kDisabledText));
  const bool pressed = ImGui::Button(label.c_str(), size) && enabled;
  RecordButtonLabel(label, enabled ? kWhite : kDisabledText, enabled ? color : kDisabled);
  ImGui::PopStyleColor(4);
  ImGui::PopID();
  const bool settled = Register(targets, id, enabled);
  return pressed && settled;
}

void Header(CounterModel* m, const Fonts& f, float w, TapTargets* targets) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float h = f.large->FontSize * 2.2f;
  dl->AddRectFilled(ImVec2(0, 0), ImVec2(w, h), kNavy);
  LayoutBox box("header", ImVec2(0, 0), ImVec2(w, h), kNavy);
  const float lang_w = MeasureText(f.bold, "Bahasa Indonesia").x + 2 * 16;
  {
    LayoutBox left("header:name", ImVec2(0, 0), ImVec2(w - lang_w - 32, h), kNavy);
    DrawText(dl, f.large, ImVec2(16, h * 0.12f), kWhite, m->CounterName());
    DrawText(dl, f.body, ImVec2(16, h * 0.12f + f.large->FontSize + 2), Rgb(200, 214, 240),
             m->OperatorText());
  }
  ImGui::PushFont(f.bold);
  const char* other = m->lang() == Lang::kId ? "English" : "Bahasa Indonesia";
  ImGui::SetCursorScreenPos(ImVec2(w - lang_w - 16, h * 0.2f));
  if (Button(targets, "lang", other, ImVec2(lang_w, h * 0.6f), true, Rgb(40, 80, 150))) {
    m->ToggleLanguage();
  }
  ImGui::PopFont();
  ImGui::SetCursorScreenPos(ImVec2(0, h));
  const std::string banner = m->Banner();
  if (!banner.empty()) {
    const float bh = f.bold->FontSize * 2;
    dl->AddRectFilled(ImVec2(0, h), ImVec2(w, h + bh), kRed);
    LayoutBox banner_box("banner", ImVec2(0, h), ImVec2(w, h + bh), kRed);
    DrawText(dl, f.bold, ImVec2(16, h + bh * 0.25f), kWhite, banner);
    ImGui::SetCursorScreenPos(ImVec2(0, h + bh));
  }
}

void SignIn(CounterModel* m, const Fonts& f, float w, float h, SignInForm* form,
            TapTargets* targets) {
  const Lang l = m->lang();
  const float pw = std::min(520.0f, w - 40);
  const float x = (w - pw) / 2;
  float y = ImGui::GetCursorScreenPos().y + 40;
  ImGui::SetCursorScreenPos(ImVec2(x, y));
  ImGui::BeginGroup();
  ImGui::PushFont(f.large);
  Label(T(l, "Masuk petugas", "Operator sign-in"));
  ImGui::PopFont();
  ImGui::Spacing();
  Label(T(l, "ID petugas", "Operator id"));
  ImGui::SetNextItemWidth(pw);
  if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
  ImGui::InputText("##operator", form->operator_id, sizeof form->operator_id);
  Register(targets, "field:operator");
  Label("PIN");
  ImGui::SetNextItemWidth(pw);
  const bool enter =
      ImGui::InputText("##pin", form->pin, sizeof form->pin,
                       ImGuiInputTextFlags_Password | ImGuiInputTextFlags_CharsDecimal |
                           ImGuiInputTextFlags_EnterReturnsTrue);
  Register(targets, "field:pin");
  ImGui::Spacing();
  const bool can = m->connected() && !m->busy();
  if ((Button(targets, "signin", T(l, "Masuk  (Enter)", "Sign in  (Enter)"),
              ImVec2(pw, f.bold->FontSize + 36 * f.scale), can, kGreen) ||
       enter) &&
      can) {
    m->SubmitSignIn(form->operator_id, form->pin);
    std::fill(std::begin(form->pin), std::end(form->pin), '\0');  // never kept
  }
  if (!m->message().empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ToVec4(m->message_is_error() ? kRed : kGreen));
    ImGui::PushTextWrapPos(x + pw);
    Label(m->message(), /*wrapped=*/true);
    ImGui::PopTextWrapPos();
    ImGui::PopStyleColor();
  }
  ImGui::EndGroup();
  (void)h;
}

// The service name beside the number: the largest face in which it wraps
// onto at most two lines, else the body face on as many as it needs. Returns
// the height of the number's row (the number, or the column beside it when
// that is taller) and the face.
float NumberRow(const CurrentView& c, const Fonts& f, float card_w, ImFont** service_face) {
  const float number_w = MeasureText(f.huge, c.number).x;
  const float wrap = std::max(100.0f, card_w - 36 - number_w - 30);
  *service_face = f.body;
  for (ImFont* face : {f.large, f.bold}) {
    if (MeasureText(face, c.service, wrap).y <= 2 * face->FontSize + 1) {
      *service_face = face;
      break;
    }
  }
  float h = 8 + MeasureText(*service_face, c.service, wrap).y + 4 + f.bold->FontSize + 4 +
            f.body->FontSize;
  if (!c.priority.empty()) h += f.bold->FontSize + 4;
  return std::max(f.huge->FontSize, h);
}

// The card's height for the current ticket (Main lays out below it).
float CardHeight(const CurrentView& c, const Fonts& f, float card_w) {
  ImFont* face = nullptr;
  const float row = c.has_ticket ? NumberRow(c, f, card_w, &face) : f.huge->FontSize;
  return row + f.large->FontSize * 2 + 60 * f.scale;
}

void CurrentCard(CounterModel* m, const Fonts& f, ImVec2 p0, ImVec2 size) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const Lang l = m->lang();
  dl->AddRectFilled(p0, ImVec2(p0.x + size.x, p0.y + size.y), kWhite, 10);
  LayoutBox box("current", p0, ImVec2(p0.x + size.x, p0.y + size.y), kWhite);
  const CurrentView c = m->Current();
  float y = p0.y + 12;
  const float x = p0.x + 18;
  if (!c.has_ticket) {
    DrawText(dl, f.large, ImVec2(x, y), kMuted,
             T(l, "Tidak ada nomor di loket ini", "No ticket at this counter"));
    y += f.large->FontSize + 8;
    DrawText(dl, f.body, ImVec2(x, y), kMuted, c.idle_hint);
    return;
  }
  DrawText(dl, f.huge, ImVec2(x, y), kNavy, c.number);
  const float right = x + MeasureText(f.huge, c.number).x + 30;
  ImFont* service_face = nullptr;
  const float row_h = NumberRow(c, f, size.x, &service_face);
  float ry = y + 8;
  ry += DrawText(dl, service_face, ImVec2(right, ry), kInk, c.service, p0.x + size.x - 18 - right);
  ry += 4;
  DrawText(dl, f.bold, ImVec2(right, ry), kInk, c.state_text);
  ry += f.bold->FontSize + 4;
  if (!c.priority.empty()) {
    DrawText(dl, f.bold, ImVec2(right, ry), kRed, c.priority);
    ry += f.bold->FontSize + 4;
  }
  DrawText(dl, f.body, ImVec2(right, ry), ToneColor(c.wait_tone), c.waited_text);
  y += row_h + 10;
  // The timer, coloured against the standard, with a bar.
  const std::string timer = c.timer_label + "  " + c.timer;
  DrawText(dl, f.large, ImVec2(x, y), ToneColor(c.timer_tone), timer);
  if (!c.standard.empty()) {
    const float tx =
        x + f.large->CalcTextSizeA(f.large->FontSize, FLT_MAX, 0, timer.c_str()).x + 20;
    DrawText(dl, f.body, ImVec2(tx, y + 8), kMuted, c.standard);
    y += f.large->FontSize + 8;
    const float bw = size.x - 36;
    dl->AddRectFilled(ImVec2(x, y), ImVec2(x + bw, y + 14), Rgb(225, 229, 236), 7);
    // Rounded by at most half its width: a bar just started stays inside the track.
    const float fill = bw * std::clamp(c.timer_fraction, 0.0f, 1.0f);
    if (fill >= 1) {
      dl->AddRectFilled(ImVec2(x, y), ImVec2(x + fill, y + 14), ToneColor(c.timer_tone),
                        std::min(7.0f, fill / 2));
    }
    dl->AddLine(ImVec2(x + bw * 0.75f, y - 3), ImVec2(x + bw * 0.75f, y + 17), kMuted, 2);
  }
}

void Dialogs(CounterModel* m, const Fonts& f, float w, float h, SignInForm* form,
             TapTargets* targets) {
  if (m->dialog() == CounterModel::Dialog::kNone) return;
  const Lang l = m->lang();
  ImDrawList* fg = ImGui::GetForegroundDrawList();
  (void)fg;
  ImGui::SetNextWindowPos(ImVec2(w / 2, h / 2), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSize(ImVec2(std::min(640.0f, w - 40), 0));
  ImGui::PushStyleColor(ImGuiCol_WindowBg, ToVec4(kWhite));
  ImGui::PushStyleColor(ImGuiCol_Border, ToVec4(kNavy));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 3);
  ImGui::Begin("dialog", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                   ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings);
  const float bw = ImGui::GetContentRegionAvail().x;
  switch (m->dialog()) {
    case CounterModel::Dialog::kConfirm: {
      ImGui::PushFont(f.bold);
      Label(m->ConfirmText(), /*wrapped=*/true);
      ImGui::PopFont();
      ImGui::Spacing();
      if (Button(targets, "confirm", T(l, "Ya  (Enter)", "Yes  (Enter)"), ImVec2(bw / 2 - 4, 52),
                 true, kRed) ||
          ImGui::IsKeyPressed(GLFW_KEY_ENTER)) {
        m->Confirm();
      }
      ImGui::SameLine();
      if (Button(targets, "cancel", T(l, "Batal  (Esc)", "Cancel  (Esc)"), ImVec2(bw / 2 - 4, 52),
                 true)) {
        m->CloseDialog();
      }
      break;
    }
    case CounterModel::Dialog::kTransfer: {
      ImGui::PushFont(f.bold);
      Label(T(l, "Alihkan ke layanan:", "Transfer to service:"));
      ImGui::PopFont();
      ImGui::SetNextItemWidth(bw);
      if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
      ImGui::InputTextWithHint("##filter", T(l, "Cari layanan...", "Search services..."),
                               form->transfer_filter, sizeof form->transfer_filter);
      Register(targets, "field:transfer");
      ImGui::BeginChild("targets", ImVec2(bw, std::min(360.0f, h * 0.5f)), true);
      for (const auto& [code, name] : m->TransferTargets(form->transfer_filter)) {
        if (Button(targets, "to:" + code, name + "  (" + code + ")",
                   ImVec2(ImGui::GetContentRegionAvail().x, 40), true)) {
          m->ChooseTransfer(code);
          form->transfer_filter[0] = '\0';
        }
      }
      ImGui::EndChild();
      if (Button(targets, "cancel", T(l, "Batal  (Esc)", "Cancel  (Esc)"), ImVec2(bw, 44), true)) {
        m->CloseDialog();
      }
      break;
    }
    case CounterModel::Dialog::kCallAhead: {
      ImGui::PushFont(f.bold);
      Label(m->CallAheadText(), /*wrapped=*/true);
      ImGui::PopFont();
      for (const auto& [reason, text] : CounterModel::OutOfOrderReasons(l)) {
        if (Button(targets, "ahead:" + v1::OutOfOrderReason_Name(reason), text, ImVec2(bw, 44),
                   true)) {
          m->ChooseCallAheadReason(reason);
        }
      }
      if (Button(targets, "cancel", T(l, "Batal  (Esc)", "Cancel  (Esc)"), ImVec2(bw, 44), true)) {
        m->CloseDialog();
      }
      break;
    }
    case CounterModel::Dialog::kBreak: {
      ImGui::PushFont(f.bold);
      Label(T(l, "Alasan istirahat:", "Reason for the break:"));
      ImGui::PopFont();
      for (const auto& reason : CounterModel::BreakReasons(l)) {
        if (Button(targets, "reason:" + reason, reason, ImVec2(bw, 44), true)) {
          m->ChooseBreak(reason);
        }
      }
      if (Button(targets, "cancel", T(l, "Batal  (Esc)", "Cancel  (Esc)"), ImVec2(bw, 44), true)) {
        m->CloseDialog();
      }
      break;
    }
    default:
      break;
  }
  if (ImGui::IsKeyPressed(GLFW_KEY_ESCAPE)) m->CloseDialog();
  ImGui::End();
  ImGui::PopStyleVar();
  ImGui::PopStyleColor(2);
}

void Main(CounterModel* m, const Fonts& f, float w, float h, SignInForm* form,
          TapTargets* targets) {
  const Lang l = m->lang();
  const ImVec2 top = ImGui::GetCursorScreenPos();
  const float pad = 14;
  // Landscape: the ticket and actions on the left, the queue on the right.
  // Portrait: the queue under the actions, across the screen.
  const bool portrait = h > w;
  const float left_w = portrait ? w - 2 * pad : w * 0.6f - pad * 1.5f;
  const float card_h = CardHeight(m->Current(), f, left_w);
  CurrentCard(m, f, ImVec2(pad, top.y + pad), ImVec2(left_w, card_h));

  // Actions: two rows of five, each with its F-key.
  const auto actions = m->Actions();
  const float ay = top.y + pad * 2 + card_h;
  // Room for a key and a label broken over two lines.
  const float bw = (left_w - 4 * 8) / 5,
              bh = 3 * f.bold->FontSize + 2 * ImGui::GetStyle().FramePadding.y + 4 * f.scale;
  ImGui::PushFont(f.bold);
  for (size_t i = 0; i < actions.size(); ++i) {
    const ActionView& a = actions[i];
    ImGui::SetCursorScreenPos(ImVec2(pad + (i % 5) * (bw + 8), ay + (i / 5) * (bh + 8)));
    const ImU32 color =
        a.action == Action::kCallNext || a.action == Action::kFinish ? kGreen
        : a.action == Action::kNoShow || a.action == Action::kClose || a.action == Action::kSignOut
            ? Rgb(150, 40, 40)
            : kNavy;
    // A label too wide for its button breaks at spaces, a line as full as fits.
    const float inner = bw - 2 * ImGui::GetStyle().FramePadding.x - 2;
    std::string label;
    for (size_t at = 0; at <= a.label.size();) {
      size_t end = a.label.find(' ', at);
      if (end == std::string::npos) end = a.label.size();
      const std::string word = a.label.substr(at, end - at);
      const size_t line_start = label.rfind('\n') == std::string::npos ? 0 : label.rfind('\n') + 1;
      if (label.empty()) {
        label = word;
      } else if (ImGui::CalcTextSize((label.substr(line_start) + " " + word).c_str()).x <= inner) {
        label += " " + word;
      } else {
        label += "\n" + word;
      }
      at = end + 1;
    }
    if (Button(targets, a.id, a.key + "\n" + label, ImVec2(bw, bh), a.enabled, color)) {
      m->Press(a.action);
    }
  }
  ImGui::PopFont();
  // F-keys are never text, so they work even while a field has the focus.
  if (m->dialog() == CounterModel::Dialog::kNone) {
    for (int k = 0; k < kActionCount; ++k) {
      if (ImGui::IsKeyPressed(GLFW_KEY_F1 + k, false)) m->Press(static_cast<Action>(k));
    }
  }
  const float my = ay + 2 * (bh + 8) + 6;
  if (!m->message().empty()) {
    ImGui::SetCursorScreenPos(ImVec2(pad, my));
    ImGui::PushStyleColor(ImGuiCol_Text, ToVec4(m->message_is_error() ? kRed : kGreen));
    ImGui::PushFont(f.bold);
    ImGui::PushTextWrapPos(pad + left_w);
    Label(m->message(), /*wrapped=*/true);
    ImGui::PopTextWrapPos();
    ImGui::PopFont();
    ImGui::PopStyleColor();
  }

  // The queue of this counter's services.
  const float rx = portrait ? pad : pad * 2 + left_w, rw = w - rx - pad;
  const float ry = portrait ? my + 3 * f.bold->FontSize + pad : top.y + pad;
  ImGui::SetCursorScreenPos(ImVec2(rx, ry));
  ImGui::PushStyleColor(ImGuiCol_ChildBg, ToVec4(kWhite));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(10 * f.scale, 8 * f.scale));
  ImGui::BeginChild("queue", ImVec2(rw, h - ry - pad), true);
  ImGui::PopStyleVar();
  LayoutBox queue_box("queue", ImVec2(rx, ry), ImVec2(rx + rw, h - pad), kWhite, kBoxScrollsY);
  ImGui::PushFont(f.bold);
  Label(T(l, "Antrean loket ini", "This counter's queue"));
  ImGui::PopFont();
  ImGui::PushTextWrapPos(0);  // at the list's edge: a long service name wraps
  for (const auto& [name, n] : m->Counts()) {
    Label(fmt::format("{}: {} {}", name, n, T(l, "menunggu", "waiting")), /*wrapped=*/true);
  }
  ImGui::PopTextWrapPos();
  // A visitor back at the counter says their number: find it, call it.
  ImGui::SetNextItemWidth(std::min(ImGui::GetContentRegionAvail().x, 260 * f.scale));
  ImGui::InputTextWithHint("##find", T(l, "Cari nomor\u2026", "Find a number\u2026"),
                           form->queue_filter, sizeof form->queue_filter);
  Register(targets, "field:find");
  ImGui::Separator();
  std::string find = form->queue_filter;
  std::erase(find, '-');
  std::transform(find.begin(), find.end(), find.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  const bool can_call = m->CanCall();
  const char* call_label = T(l, "Panggil", "Call");
  const float call_w = ImGui::CalcTextSize(call_label).x + 2 * ImGui::GetStyle().FramePadding.x;
  if (ImGui::BeginTable("waiting", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) {
    // The number, wait and mark columns as wide as what they show (the mark
    // column only when a held ticket or a priority needs it): the rest is
    // the service's, where a long name wraps.
    const std::vector<WaitingRow> rows = m->Waiting();
    ImGui::PushFont(f.bold);
    float number_w = ImGui::CalcTextSize(T(l, "Nomor", "Number")).x;
    for (const WaitingRow& r : rows)
      number_w = std::max(number_w, ImGui::CalcTextSize(r.number.c_str()).x);
    ImGui::PopFont();
    float waited_w = ImGui::CalcTextSize(T(l, "Tunggu", "Waited")).x;
    float mark_w = 1;
    const float return_w =
        ImGui::CalcTextSize(T(l, "Kembalikan", "Return")).x + 2 * ImGui::GetStyle().FramePadding.x;
    for (const WaitingRow& r : rows) {
      waited_w = std::max(waited_w, ImGui::CalcTextSize(r.waited.c_str()).x);
      if (r.held) mark_w = std::max(mark_w, return_w);
      if (r.priority)
        mark_w = std::max(mark_w, ImGui::CalcTextSize(T(l, "PRIORITAS", "PRIORITY")).x);
      if (!r.appointment.empty())
        mark_w = std::max(mark_w, ImGui::CalcTextSize(r.appointment.c_str()).x);
    }
    ImGui::TableSetupColumn(T(l, "Nomor", "Number"), ImGuiTableColumnFlags_WidthFixed,
                            FixedColumnWidth(number_w));
    ImGui::TableSetupColumn(T(l, "Layanan", "Service"));
    ImGui::TableSetupColumn(T(l, "Tunggu", "Waited"), ImGuiTableColumnFlags_WidthFixed,
                            FixedColumnWidth(waited_w));
    ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, FixedColumnWidth(mark_w));
    ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed,
                            can_call ? FixedColumnWidth(call_w) : 1);
    ImGui::TableHeadersRow();
    for (const WaitingRow& r : rows) {
      if (!find.empty()) {
        std::string number = r.number;
        std::erase(number, '-');
        if (number.find(find) == std::string::npos) continue;
      }
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::PushFont(f.bold);
      Label(r.number);
      ImGui::PopFont();
      ImGui::TableNextColumn();
      Label(r.service, /*wrapped=*/true);  // wraps in its column
      ImGui::TableNextColumn();
      ImGui::PushStyleColor(ImGuiCol_Text, ToVec4(ToneColor(r.tone)));
      Label(r.waited);
      ImGui::PopStyleColor();
      ImGui::TableNextColumn();
      if (r.held) {
        if (Button(targets, "unhold:" + r.number, T(l, "Kembalikan", "Return"), ImVec2(return_w, 0),
                   m->connected() && !m->busy())) {
          m->ReturnHeld(r.id);
        }
      } else if (r.priority) {
        ImGui::PushStyleColor(ImGuiCol_Text, ToVec4(kRed));
        Label(T(l, "PRIORITAS", "PRIORITY"));
        ImGui::PopStyleColor();
      } else if (!r.appointment.empty()) {
        Label(r.appointment);
      }
      ImGui::TableNextColumn();
      if (can_call && !r.held &&
          Button(targets, "call:" + r.number, call_label, ImVec2(call_w, 0), true, kGreen)) {
        m->ChooseWaiting(r.id);
        form->queue_filter[0] = '\0';
      }
    }
    ImGui::EndTable();
  }
  ImGui::EndChild();
  ImGui::PopStyleColor();
  Dialogs(m, f, w, h, form, targets);
}

}  // namespace

bool LoadFonts(float height, Fonts* f) {
  const float s = std::max(0.8f, height / 768.0f);
  f->scale = s;
  f->body = AddFont(kFontRegular, 20 * s);
  f->bold = AddFont(kFontBold, 20 * s);
  f->large = AddFont(kFontBold, 30 * s);
  f->huge = AddFont(kFontBold, 104 * s);
  f->pad = AddFont(kFontBold, 52 * s);
  return f->body && f->bold && f->large && f->huge && f->pad;
}

void DrawCounter(CounterModel* m, const Fonts& f, float w, float h, SignInForm* form,
                 TapTargets* targets) {
  targets->BeginFrame(ImGui::GetTime());
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(ImVec2(w, h));
  ImGui::PushStyleColor(ImGuiCol_WindowBg, ToVec4(kPage));
  ImGui::PushStyleColor(ImGuiCol_Text, ToVec4(kInk));
  ImGui::PushStyleColor(ImGuiCol_FrameBg, ToVec4(kWhite));
  ImGui::PushStyleColor(ImGuiCol_TableRowBgAlt, ToVec4(Rgb(244, 246, 250)));
  ImGui::PushStyleColor(ImGuiCol_TableHeaderBg, ToVec4(Rgb(214, 222, 236)));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  ImGui::PushStyleVar(ImGuiStyleVar_FrameBorderSize, 1);
  ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(10, 8));
  ImGui::PushStyleVar(ImGuiStyleVar_FrameRounding, 6);
  ImGui::PushFont(f.body);
  ImGui::Begin("counter", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                   ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoSavedSettings);
  Header(m, f, w, targets);
  if (!m->has_catalog()) {
    ImGui::SetCursorPos(ImVec2(20, ImGui::GetCursorPosY() + 20));
    ImGui::PushTextWrapPos(w - 20);
    Label(m->ConnectingText(), /*wrapped=*/true);
    ImGui::PopTextWrapPos();
  } else if (!m->signed_in()) {
    SignIn(m, f, w, h, form, targets);
  } else {
    Main(m, f, w, h, form, targets);
  }
  ImGui::End();
  ImGui::PopFont();
  ImGui::PopStyleVar(4);
  ImGui::PopStyleColor(5);
}

// ------------------------------------------------------------ rating pad --

namespace {

// A face for a score, 4 (broad smile) to 1 (frown), in white: the pad's
// meaning for visitors who read little.
void Face(ImDrawList* dl, ImVec2 c, float r, int score) {
  const float t = std::max(2.0f, r * 0.1f);
  dl->AddCircle(c, r, kWhite, 48, t);
  dl->AddCircleFilled(ImVec2(c.x - r * 0.35f, c.y - r * 0.25f), r * 0.1f, kWhite);
  dl->AddCircleFilled(ImVec2(c.x + r * 0.35f, c.y - r * 0.25f), r * 0.1f, kWhite);
  const float pi = 3.14159265f;
  switch (score) {
    case 4:  // broad smile
      dl->PathArcTo(ImVec2(c.x, c.y + r * 0.05f), r * 0.5f, 0.15f * pi, 0.85f * pi, 24);
      break;
    case 3:  // smile
      dl->PathArcTo(ImVec2(c.x, c.y - r * 0.1f), r * 0.55f, 0.3f * pi, 0.7f * pi, 24);
      break;
    case 2:  // slight frown
      dl->PathArcTo(ImVec2(c.x, c.y + r * 0.85f), r * 0.55f, 1.3f * pi, 1.7f * pi, 24);
      break;
    default:  // frown
      dl->PathArcTo(ImVec2(c.x, c.y + r * 0.75f), r * 0.5f, 1.15f * pi, 1.85f * pi, 24);
      break;
  }
  dl->PathStroke(kWhite, 0, t);
}

}  // namespace

void DrawRatingPad(PadModel* m, const Fonts& f, float w, float h, TapTargets* targets) {
  targets->BeginFrame(ImGui::GetTime());
  const Lang l = m->lang();
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(ImVec2(w, h));
  ImGui::PushStyleColor(ImGuiCol_WindowBg, ToVec4(kPage));
  ImGui::PushStyleColor(ImGuiCol_Text, ToVec4(kInk));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(24, 20));
  ImGui::PushStyleVar(ImGuiStyleVar_FrameRounding, 12);
  ImGui::Begin(
      "pad", nullptr,
      ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings);
  const float bw = ImGui::GetContentRegionAvail().x;
  LayoutBox page("pad", ImVec2(0, 0), ImVec2(w, h), kPage);
  // The visitor's own language, top right, for this visitor only.
  auto LanguageSwitch = [&] {
    ImGui::PushFont(f.bold);
    const float lw = ImGui::CalcTextSize("Bahasa Indonesia").x + 40;
    ImGui::SetCursorPosX(w - 24 - lw);
    if (Button(targets, "pad-lang", l == Lang::kId ? "English" : "Bahasa Indonesia", ImVec2(lw, 52),
               true, Rgb(40, 80, 150))) {
      m->TapLanguage();
    }
    ImGui::PopFont();
  };
  auto title = [&](const std::string& text) {
    ImGui::PushFont(f.large);
    ImGui::PushTextWrapPos(w - 24);
    Label(text, /*wrapped=*/true);
    ImGui::PopTextWrapPos();
    ImGui::PopFont();
    ImGui::Spacing();
  };
  ImGui::PushFont(f.large);
  switch (m->screen()) {
    case PadModel::Screen::kIdle:
      ImGui::SetCursorPosY(h * 0.35f);
      title(T(l, "Terima kasih telah menggunakan layanan kami.",
              "Thank you for using our services."));
      break;
    case PadModel::Screen::kAsk: {
      LanguageSwitch();
      title(std::string(
                T(l, "Bagaimana pelayanan kami untuk nomor ", "How did we serve you (ticket ")) +
            m->ticket_number() + T(l, "?", ")?"));
      static const char* kId[] = {"Sangat Puas", "Puas", "Kurang Puas", "Tidak Puas"};
      static const char* kEn[] = {"Very satisfied", "Satisfied", "Not quite satisfied",
                                  "Not satisfied"};
      // White on each at least 4.5:1; a face beside each word for visitors
      // who read little.
      static const ImU32 kColors[] = {Rgb(0, 110, 55), Rgb(30, 110, 50), Rgb(150, 90, 0),
                                      Rgb(180, 24, 24)};
      const float bh = (h - ImGui::GetCursorPosY() - 40) / 4 - 10;
      // The words right of the face: the face takes the left of the button.
      const float face_r = std::min(bh * 0.3f, bw * 0.12f);
      const float pad_x = ImGui::GetStyle().FramePadding.x;
      const float words_x = face_r * 3.2f;  // where the words may start
      for (int i = 0; i < 4; ++i) {
        const int score = 4 - i;
        const char* words = l == Lang::kId ? kId[i] : kEn[i];
        // The large face when the words fit beside the face, centred there.
        ImFont* face = f.pad;
        if (MeasureText(face, words).x > bw - words_x - 2 * pad_x) face = f.large;
        const float text_w = MeasureText(face, words).x;
        const float inner_w = bw - 2 * pad_x;
        const float want = words_x + (bw - words_x - text_w) / 2 - pad_x;
        ImGui::PushStyleVar(
            ImGuiStyleVar_ButtonTextAlign,
            ImVec2(std::clamp(want / std::max(1.0f, inner_w - text_w), 0.0f, 1.0f), 0.5f));
        ImGui::PushFont(face);
        const bool tapped = Button(targets, "score:" + std::to_string(score), words, ImVec2(bw, bh),
                                   true, kColors[i]);
        ImGui::PopFont();
        ImGui::PopStyleVar();
        if (tapped) m->TapScore(score);
        const ImVec2 lo = ImGui::GetItemRectMin(), hi = ImGui::GetItemRectMax();
        const ImVec2 centre(lo.x + face_r * 1.5f, (lo.y + hi.y) / 2);
        Face(ImGui::GetWindowDrawList(), centre, face_r, score);
        // Recorded like a text, so that no word is drawn over it.
        LayoutBox face_box("face", lo, hi, kColors[i]);
        RecordText(f.pad, ImVec2(centre.x - face_r, centre.y - face_r),
                   ImVec2(2 * face_r, 2 * face_r), kWhite, "(face " + std::to_string(score) + ")");
      }
      break;
    }
    case PadModel::Screen::kOfferSkm: {
      LanguageSwitch();
      title(T(l,
              "Terima kasih! Bersediakah Anda mengisi survei kepuasan lengkap (9 pertanyaan, "
              "sekitar 1 menit)?",
              "Thank you! Would you answer the full satisfaction survey (9 questions, about a "
              "minute)?"));
      const float bh = 110;
      if (Button(targets, "survey:yes", T(l, "Ya, isi survei", "Yes, answer the survey"),
                 ImVec2(bw, bh), true, kGreen)) {
        m->TapFullSurvey();
      }
      ImGui::Spacing();
      if (Button(targets, "survey:no", T(l, "Tidak, selesai", "No, done"), ImVec2(bw, bh), true)) {
        m->TapNoSurvey();
      }
      break;
    }
    case PadModel::Screen::kSkm: {
      LanguageSwitch();
      const auto qs = SkmQuestions(l);
      const SkmQuestion& q = qs[static_cast<size_t>(m->question())];
      ImGui::PushFont(f.bold);
      Label(fmt::format("{}/9  {}", m->question() + 1, q.element));
      ImGui::PopFont();
      title(q.question);
      const float bh = (h - ImGui::GetCursorPosY() - 110) / 4 - 10;
      for (int v = 4; v >= 1; --v) {
        if (Button(targets, "answer:" + std::to_string(v), q.answers[static_cast<size_t>(v - 1)],
                   ImVec2(bw, bh), true, v >= 3 ? kNavy : Rgb(90, 98, 130))) {
          m->TapAnswer(v);
        }
      }
      if (Button(targets, "answer:skip", T(l, "Lewati pertanyaan ini", "Skip this question"),
                 ImVec2(bw, 64), true, kMuted)) {
        m->TapAnswer(0);
      }
      break;
    }
    case PadModel::Screen::kThanks:
      ImGui::SetCursorPosY(h * 0.35f);
      title(T(l, "Terima kasih atas penilaian Anda!", "Thank you for your rating!"));
      ImGui::PushFont(f.body);
      Label(T(l, "Jawaban Anda tidak dikaitkan dengan identitas Anda.",
              "Your answers are not linked to who you are."),
            /*wrapped=*/true);
      ImGui::PopFont();
      break;
  }
  ImGui::PopFont();
  ImGui::End();
  ImGui::PopStyleVar(2);
  ImGui::PopStyleColor(2);
}

}  // namespace mpp::counter
