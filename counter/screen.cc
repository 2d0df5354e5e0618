#include "counter/screen.h"

#include <GLFW/glfw3.h>

#include <algorithm>
#include <cfloat>
#include <string>

#include "common/gui_window.h"

namespace mpp::counter {
namespace {

const ImU32 kNavy = Rgb(11, 45, 110);
const ImU32 kInk = Rgb(20, 24, 33);
const ImU32 kMuted = Rgb(90, 98, 112);
const ImU32 kWhite = Rgb(255, 255, 255);
const ImU32 kPage = Rgb(236, 240, 246);
const ImU32 kGreen = Rgb(0, 128, 64);
const ImU32 kAmber = Rgb(214, 140, 0);
const ImU32 kRed = Rgb(190, 24, 24);

ImU32 ToneColor(Tone t) { return t == Tone::kGreen ? kGreen : t == Tone::kAmber ? kAmber : kRed; }

// Registers the last item as a tap target; true once it stands still (TapTargets).
bool Register(TapTargets* targets, const std::string& id, bool enabled = true) {
  return targets->Add(id, ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), enabled);
}

// A button that is also a tap target; disabled buttons are drawn grey.
bool Button(TapTargets* targets, const std::string& id, const std::string& label, ImVec2 size,
            bool enabled, ImU32 color = kNavy) {
  ImGui::PushID(id.c_str());
  ImGui::PushStyleColor(ImGuiCol_Button, ToVec4(enabled ? color : Rgb(200, 204, 212)));
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ToVec4(enabled ? color : Rgb(200, 204, 212)));
  ImGui::PushStyleColor(ImGuiCol_ButtonActive, ToVec4(enabled ? kInk : Rgb(200, 204, 212)));
  ImGui::PushStyleColor(ImGuiCol_Text, ToVec4(enabled ? kWhite : kMuted));
  const bool pressed = ImGui::Button(label.c_str(), size) && enabled;
  ImGui::PopStyleColor(4);
  ImGui::PopID();
  const bool settled = Register(targets, id, enabled);
  return pressed && settled;
}

void Header(CounterModel* m, const Fonts& f, float w, TapTargets* targets) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float h = f.large->FontSize * 2.2f;
  dl->AddRectFilled(ImVec2(0, 0), ImVec2(w, h), kNavy);
  dl->AddText(f.large, f.large->FontSize, ImVec2(16, h * 0.12f), kWhite, m->CounterName().c_str());
  dl->AddText(f.body, f.body->FontSize, ImVec2(16, h * 0.12f + f.large->FontSize + 2),
              Rgb(200, 214, 240), m->OperatorText().c_str());
  ImGui::SetCursorScreenPos(ImVec2(w - 190, h * 0.2f));
  ImGui::PushFont(f.bold);
  if (Button(targets, "lang", m->lang() == Lang::kId ? "English" : "Bahasa Indonesia",
             ImVec2(174, h * 0.6f), true, Rgb(40, 80, 150))) {
    m->ToggleLanguage();
  }
  ImGui::PopFont();
  ImGui::SetCursorScreenPos(ImVec2(0, h));
  const std::string banner = m->Banner();
  if (!banner.empty()) {
    const float bh = f.bold->FontSize * 2;
    dl->AddRectFilled(ImVec2(0, h), ImVec2(w, h + bh), kRed);
    dl->AddText(f.bold, f.bold->FontSize, ImVec2(16, h + bh * 0.25f), kWhite, banner.c_str());
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
  ImGui::TextUnformatted(T(l, "Masuk petugas", "Operator sign-in"));
  ImGui::PopFont();
  ImGui::Spacing();
  ImGui::TextUnformatted(T(l, "ID petugas", "Operator id"));
  ImGui::SetNextItemWidth(pw);
  if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
  ImGui::InputText("##operator", form->operator_id, sizeof form->operator_id);
  Register(targets, "field:operator");
  ImGui::TextUnformatted("PIN");
  ImGui::SetNextItemWidth(pw);
  const bool enter =
      ImGui::InputText("##pin", form->pin, sizeof form->pin,
                       ImGuiInputTextFlags_Password | ImGuiInputTextFlags_CharsDecimal |
                           ImGuiInputTextFlags_EnterReturnsTrue);
  Register(targets, "field:pin");
  ImGui::Spacing();
  const bool can = m->connected() && !m->busy();
  if ((Button(targets, "signin", T(l, "Masuk  (Enter)", "Sign in  (Enter)"), ImVec2(pw, 56), can,
              kGreen) ||
       enter) &&
      can) {
    m->SubmitSignIn(form->operator_id, form->pin);
    std::fill(std::begin(form->pin), std::end(form->pin), '\0');  // never kept
  }
  if (!m->message().empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ToVec4(m->message_is_error() ? kRed : kGreen));
    ImGui::PushTextWrapPos(x + pw);
    ImGui::TextWrapped("%s", m->message().c_str());
    ImGui::PopTextWrapPos();
    ImGui::PopStyleColor();
  }
  ImGui::EndGroup();
  (void)h;
}

void CurrentCard(CounterModel* m, const Fonts& f, ImVec2 p0, ImVec2 size) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const Lang l = m->lang();
  dl->AddRectFilled(p0, ImVec2(p0.x + size.x, p0.y + size.y), kWhite, 10);
  const CurrentView c = m->Current();
  float y = p0.y + 12;
  const float x = p0.x + 18;
  if (!c.has_ticket) {
    dl->AddText(f.large, f.large->FontSize, ImVec2(x, y), kMuted,
                T(l, "Tidak ada nomor di loket ini", "No ticket at this counter"));
    y += f.large->FontSize + 8;
    dl->AddText(f.body, f.body->FontSize, ImVec2(x, y), kMuted, c.idle_hint.c_str());
    return;
  }
  dl->AddText(f.huge, f.huge->FontSize, ImVec2(x, y), kNavy, c.number.c_str());
  const float right =
      x + f.huge->CalcTextSizeA(f.huge->FontSize, FLT_MAX, 0, c.number.c_str()).x + 30;
  float ry = y + 8;
  dl->AddText(f.large, f.large->FontSize, ImVec2(right, ry), kInk, c.service.c_str());
  ry += f.large->FontSize + 4;
  dl->AddText(f.bold, f.bold->FontSize, ImVec2(right, ry), kInk, c.state_text.c_str());
  ry += f.bold->FontSize + 4;
  if (!c.priority.empty()) {
    dl->AddText(f.bold, f.bold->FontSize, ImVec2(right, ry), kRed, c.priority.c_str());
    ry += f.bold->FontSize + 4;
  }
  dl->AddText(f.body, f.body->FontSize, ImVec2(right, ry), ToneColor(c.wait_tone),
              c.waited_text.c_str());
  y += f.huge->FontSize + 10;
  // The timer, coloured against the standard, with a bar.
  const std::string timer = c.timer_label + "  " + c.timer;
  dl->AddText(f.large, f.large->FontSize, ImVec2(x, y), ToneColor(c.timer_tone), timer.c_str());
  if (!c.standard.empty()) {
    const float tx =
        x + f.large->CalcTextSizeA(f.large->FontSize, FLT_MAX, 0, timer.c_str()).x + 20;
    dl->AddText(f.body, f.body->FontSize, ImVec2(tx, y + 8), kMuted, c.standard.c_str());
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
      ImGui::TextWrapped("%s", m->ConfirmText().c_str());
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
      ImGui::TextUnformatted(T(l, "Alihkan ke layanan:", "Transfer to service:"));
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
    case CounterModel::Dialog::kBreak: {
      ImGui::PushFont(f.bold);
      ImGui::TextUnformatted(T(l, "Alasan istirahat:", "Reason for the break:"));
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
  const float left_w = w * 0.6f - pad * 1.5f;
  const float card_h = f.huge->FontSize + f.large->FontSize * 2 + 60;
  CurrentCard(m, f, ImVec2(pad, top.y + pad), ImVec2(left_w, card_h));

  // Actions: two rows of five, each with its F-key.
  const auto actions = m->Actions();
  const float ay = top.y + pad * 2 + card_h;
  const float bw = (left_w - 4 * 8) / 5, bh = 74;
  ImGui::PushFont(f.bold);
  for (size_t i = 0; i < actions.size(); ++i) {
    const ActionView& a = actions[i];
    ImGui::SetCursorScreenPos(ImVec2(pad + (i % 5) * (bw + 8), ay + (i / 5) * (bh + 8)));
    const ImU32 color =
        a.action == Action::kCallNext || a.action == Action::kFinish ? kGreen
        : a.action == Action::kNoShow || a.action == Action::kClose || a.action == Action::kSignOut
            ? Rgb(150, 40, 40)
            : kNavy;
    std::string label = a.label;  // break a label too wide for its button
    const size_t space = label.find(' ');
    if (space != std::string::npos && ImGui::CalcTextSize(label.c_str()).x > bw - 12) {
      label[space] = '\n';
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
    ImGui::TextWrapped("%s", m->message().c_str());
    ImGui::PopTextWrapPos();
    ImGui::PopFont();
    ImGui::PopStyleColor();
  }

  // The queue of this counter's services.
  const float rx = pad * 2 + left_w, rw = w - rx - pad;
  ImGui::SetCursorScreenPos(ImVec2(rx, top.y + pad));
  ImGui::PushStyleColor(ImGuiCol_ChildBg, ToVec4(kWhite));
  ImGui::BeginChild("queue", ImVec2(rw, h - top.y - 2 * pad), true);
  ImGui::PushFont(f.bold);
  ImGui::TextUnformatted(T(l, "Antrean loket ini", "This counter's queue"));
  ImGui::PopFont();
  for (const auto& [name, n] : m->Counts()) {
    ImGui::Text("%s: %d %s", name.c_str(), n, T(l, "menunggu", "waiting"));
  }
  ImGui::Separator();
  if (ImGui::BeginTable("waiting", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) {
    ImGui::TableSetupColumn(T(l, "Nomor", "Number"), ImGuiTableColumnFlags_WidthFixed, 110);
    ImGui::TableSetupColumn(T(l, "Layanan", "Service"));
    // The wait column as wide as the waits it shows, the button column only
    // when a held ticket needs its button: the rest is the service's.
    const std::vector<WaitingRow> rows = m->Waiting();
    float waited_w = ImGui::CalcTextSize(T(l, "Tunggu", "Waited")).x;
    bool any_held = false;
    for (const WaitingRow& r : rows) {
      waited_w = std::max(waited_w, ImGui::CalcTextSize(r.waited.c_str()).x);
      any_held |= r.held;
    }
    ImGui::TableSetupColumn(T(l, "Tunggu", "Waited"), ImGuiTableColumnFlags_WidthFixed,
                            waited_w + 8);
    ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, any_held ? 120 : 1);
    ImGui::TableHeadersRow();
    for (const WaitingRow& r : rows) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::PushFont(f.bold);
      ImGui::TextUnformatted(r.number.c_str());
      ImGui::PopFont();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(r.service.c_str());
      ImGui::TableNextColumn();
      ImGui::TextColored(ToVec4(ToneColor(r.tone)), "%s", r.waited.c_str());
      ImGui::TableNextColumn();
      if (r.held) {
        if (Button(targets, "unhold:" + r.number, T(l, "Kembalikan", "Return"), ImVec2(110, 0),
                   m->connected() && !m->busy())) {
          m->ReturnHeld(r.id);
        }
      } else if (r.priority) {
        ImGui::TextColored(ToVec4(kRed), "%s", T(l, "PRIORITAS", "PRIORITY"));
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
  f->body = AddFont(kFontRegular, 20 * s);
  f->bold = AddFont(kFontBold, 20 * s);
  f->large = AddFont(kFontBold, 30 * s);
  f->huge = AddFont(kFontBold, 104 * s);
  return f->body && f->bold && f->large && f->huge;
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
    ImGui::TextUnformatted(m->ConnectingText().c_str());
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
  auto title = [&](const std::string& text) {
    ImGui::PushFont(f.large);
    ImGui::PushTextWrapPos(w - 24);
    ImGui::TextWrapped("%s", text.c_str());
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
      title(std::string(
                T(l, "Bagaimana pelayanan kami untuk nomor ", "How did we serve you (ticket ")) +
            m->ticket_number() + T(l, "?", ")?"));
      static const char* kId[] = {"Sangat Puas", "Puas", "Kurang Puas", "Tidak Puas"};
      static const char* kEn[] = {"Very satisfied", "Satisfied", "Not quite satisfied",
                                  "Not satisfied"};
      static const ImU32 kColors[] = {Rgb(0, 120, 60), Rgb(60, 150, 80), Rgb(214, 140, 0),
                                      Rgb(190, 24, 24)};
      const float bh = (h - ImGui::GetCursorPosY() - 40) / 4 - 10;
      for (int i = 0; i < 4; ++i) {
        const int score = 4 - i;
        if (Button(targets, "score:" + std::to_string(score), l == Lang::kId ? kId[i] : kEn[i],
                   ImVec2(bw, bh), true, kColors[i])) {
          m->TapScore(score);
        }
      }
      break;
    }
    case PadModel::Screen::kOfferSkm: {
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
      const auto qs = SkmQuestions(l);
      const SkmQuestion& q = qs[static_cast<size_t>(m->question())];
      ImGui::PushFont(f.bold);
      ImGui::Text("%d/9  %s", m->question() + 1, q.element.c_str());
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
                 ImVec2(bw, 64), true, Rgb(150, 156, 168))) {
        m->TapAnswer(0);
      }
      break;
    }
    case PadModel::Screen::kThanks:
      ImGui::SetCursorPosY(h * 0.35f);
      title(T(l, "Terima kasih atas penilaian Anda!", "Thank you for your rating!"));
      ImGui::PushFont(f.body);
      ImGui::TextWrapped("%s", T(l, "Jawaban Anda tidak dikaitkan dengan identitas Anda.",
                                 "Your answers are not linked to who you are."));
      ImGui::PopFont();
      break;
  }
  ImGui::PopFont();
  ImGui::End();
  ImGui::PopStyleVar(2);
  ImGui::PopStyleColor(2);
}

}  // namespace mpp::counter
