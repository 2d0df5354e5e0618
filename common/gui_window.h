// GuiWindow: the GLFW window, OpenGL 3.3 context and Dear ImGui context that
// every MPP GUI program (display, kiosk, counter, manager) runs in, with the
// frame loop's plumbing and PNG screenshots of what is on screen.
//
//   auto w = GuiWindow::Open({"MPP - Kiosk", 1080, 1920, false});
//   while (!w->ShouldClose()) {
//     w->WaitEvents(0.25);
//     w->BeginFrame();
//     ... ImGui calls ...
//     w->Render(clear_color);
//     if (want_shot) w->Screenshot("out.png");  // reads the frame just rendered
//     w->Present();
//   }
//
// REQUIRES: one GuiWindow per process, used from the thread that opened it.
#pragma once

#include <imgui.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

struct GLFWwindow;

namespace mpp {

// Where and how a screen program's window opens (--fullscreen, --monitor,
// --hide-cursor on every GUI program; common/gui_program.h).
struct ScreenOptions {
  bool fullscreen = false;   // at the monitor's resolution, no decorations
  int monitor = 0;           // 0: the primary; N: the Nth as the system lists them
  bool hide_cursor = false;  // touch screens: no pointer over the buttons
};

struct GuiWindowOptions {
  std::string title;
  int width = 1280;
  int height = 720;
  ScreenOptions screen;
};

class GuiWindow {
 public:
  // Fails with a message that says what to install or set (DISPLAY, xvfb-run).
  static StatusOr<std::unique_ptr<GuiWindow>> Open(const GuiWindowOptions& options);
  ~GuiWindow();
  GuiWindow(const GuiWindow&) = delete;
  GuiWindow& operator=(const GuiWindow&) = delete;

  bool ShouldClose() const;
  // Sleeps until input, a PostEmptyEvent() from another thread, or the timeout.
  void WaitEvents(double timeout_seconds);
  // `inject` runs after the platform backend read the real input and before
  // ImGui uses it: scripted taps set io.MousePos / io.MouseDown there.
  void BeginFrame(const std::function<void(ImGuiIO&)>& inject = nullptr);
  // Draws the frame, whole.
  void Render(ImU32 clear_color);

  // Kept frames (the hall display, whose running text scrolls all day): a
  // whole frame drawn into an offscreen canvas that keeps its pixels and is
  // copied to the window, so that the next frames may draw only part of it.
  // Without a canvas to be had (a driver out of memory) it draws as Render.
  void RenderKept(ImU32 clear_color);
  // True when the canvas holds the frame on screen at the window's size: the
  // last frame was RenderKept or RenderOver, and the size did not change.
  bool HasKeptFrame() const;
  // Draws this frame's draw data over the kept frame, without clearing it:
  // what it does not draw stays as it was. REQUIRES: HasKeptFrame().
  void RenderOver();
  // Writes the frame rendered last (call between Render and Present); with
  // layout recording on (--layout), FILE.layout.json beside FILE.png too.
  Status Screenshot(const std::string& png_path) const;
  void Present();

  int width() const { return fb_width_; }  // framebuffer pixels
  int height() const { return fb_height_; }
  GLFWwindow* glfw() const { return window_; }

  // Safe from any thread: wakes WaitEvents.
  static void PostEmptyEvent();

 private:
  explicit GuiWindow(GLFWwindow* window) : window_(window) {}
  void DrawWhole(ImU32 clear_color);  // into the framebuffer bound
  bool BindCanvas();                  // (re)creates it at the window's size; false: none to be had
  void ShowCanvas();                  // copies it to the window's back buffer

  GLFWwindow* window_;
  int fb_width_ = 0;
  int fb_height_ = 0;
  // The kept frame (RenderKept): a framebuffer with one colour renderbuffer.
  unsigned int canvas_fbo_ = 0, canvas_rb_ = 0;
  int canvas_width_ = 0, canvas_height_ = 0;
  bool canvas_failed_ = false;
  bool canvas_whole_ = false;  // it holds the frame on screen
};

// "1920x1080" -> 1920, 1080. False (and a message) when malformed or smaller
// than 320x240.
bool ParseWindowSize(const std::string& text, int* width, int* height, std::string* error);
// The same for a program's --size option: prints "PROGRAM: why" on stderr when false.
bool ParseSizeOption(const char* program, const std::string& text, int* width, int* height);

// DejaVu Sans (Debian fonts-dejavu-core): the face every MPP screen uses.
inline constexpr const char* kFontBold = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
inline constexpr const char* kFontRegular = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

// Adds `path` at `pixels` to ImGui's atlas with glyphs for Indonesian and
// English text (Latin-1 and the dashes, quotes and arrows the screens use);
// `ascii_only` for a very large face that only draws numbers and names.
// Returns null if the file is missing.
ImFont* AddFont(const char* path, float pixels, bool ascii_only = false);

// ---- drawing helpers shared by every screen ----
// Each records what it draws when layout recording is on (common/layout.h):
// the text, where it is, its font and colour, inside the innermost LayoutBox.

constexpr ImU32 Rgb(int r, int g, int b) { return IM_COL32(r, g, b, 255); }
inline ImVec4 ToVec4(ImU32 c) { return ImGui::ColorConvertU32ToFloat4(c); }
// `s` broken into lines no wider than `wrap` at spaces (and at its own line
// breaks) - never after a '.', so "08.00" stays whole; a word wider than a
// line is broken between characters.
std::vector<std::string> WrapLines(ImFont* font, const std::string& s, float wrap);
// Size of `s` in `font`, wrapped at `wrap` pixels (0: one line).
ImVec2 MeasureText(ImFont* font, const std::string& s, float wrap = 0);
// Draws `s` (wrapped at `wrap`, 0: one line); returns its height.
float DrawText(ImDrawList* dl, ImFont* font, ImVec2 pos, ImU32 color, const std::string& s,
               float wrap = 0);
// One line centred on `cx`.
void DrawCentered(ImDrawList* dl, ImFont* font, float cx, float y, ImU32 color,
                  const std::string& s);
// Wrapped at `wrap` with every line centred on `cx`; returns the height.
float DrawCenteredWrapped(ImDrawList* dl, ImFont* font, float cx, float y, ImU32 color,
                          const std::string& s, float wrap);
// `s` at `pixels` rather than the font's own size (one line).
void DrawTextScaled(ImDrawList* dl, ImFont* font, float pixels, ImVec2 pos, ImU32 color,
                    const std::string& s);
// `drawn` (one line), recorded as a shortened form of `whole` when they differ
// (FitText's result, or a text with a kept tail): the layout check then knows
// it was cut on purpose, which only a LayoutBox with kBoxMayShorten allows.
void DrawShortened(ImDrawList* dl, ImFont* font, ImVec2 pos, ImU32 color, const std::string& drawn,
                   const std::string& whole);
// `s` cut with "..." until it fits `max_w` (the whole of it when it fits).
std::string FitText(ImFont* font, const std::string& s, float max_w);

// The width to give a fixed table column whose widest text is `content`
// pixels: ImGui clips a cell one cell padding short of what it was given.
float FixedColumnWidth(float content);

// ImGui's own text (a widget, a table cell), in the current font and text
// colour: TextUnformatted, or TextWrapped at the current wrap position. Its
// box is the cell or window it is clipped to.
void Label(const std::string& s, bool wrapped = false);
// Records the label of the button just drawn (ImGui::Button), centred in it
// with colour `fg` on `bg`. The part after "##" is not drawn and not recorded.
void RecordButtonLabel(const std::string& label, ImU32 fg, ImU32 bg);

}  // namespace mpp
