#include "common/gui_window.h"

#define GL_GLEXT_PROTOTYPES 1  // framebuffer objects: OpenGL 3.0, exported by libGL
#include <GL/gl.h>
#include <GL/glext.h>
#include <GLFW/glfw3.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>
#include <imgui_internal.h>  // the window's text wrap position (Label)
#include <stb_image_write.h>
#include <unistd.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <vector>

#include "common/layout.h"

namespace mpp {

StatusOr<std::unique_ptr<GuiWindow>> GuiWindow::Open(const GuiWindowOptions& o) {
  if (!glfwInit()) {
    return Status::Error(
        "cannot open a display: is DISPLAY set? On a machine without a screen use "
        "xvfb-run -a -s '-screen 0 1920x1080x24' PROGRAM ...");
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  int count = 0;
  GLFWmonitor** monitors = glfwGetMonitors(&count);
  GLFWmonitor* target = glfwGetPrimaryMonitor();
  if (o.screen.monitor > 0) {
    if (o.screen.monitor > count) {
      std::string list;
      for (int i = 0; i < count; ++i) {
        const GLFWvidmode* m = glfwGetVideoMode(monitors[i]);
        list += (i ? ", " : "") + std::to_string(i + 1) + " " + glfwGetMonitorName(monitors[i]) +
                (m ? " " + std::to_string(m->width) + "x" + std::to_string(m->height) : "");
      }
      glfwTerminate();
      return Status::Error("monitor " + std::to_string(o.screen.monitor) +
                           " not found: this machine has " + std::to_string(count) +
                           (list.empty() ? "" : " (" + list + ")") +
                           "; give --monitor one of those numbers, or leave it out for the "
                           "primary one");
    }
    target = monitors[o.screen.monitor - 1];
  }
  int w = o.width, h = o.height;
  const GLFWvidmode* mode = target ? glfwGetVideoMode(target) : nullptr;
  if (o.screen.fullscreen && mode) {
    w = mode->width;
    h = mode->height;
  }
  GLFWwindow* window =
      glfwCreateWindow(w, h, o.title.c_str(), o.screen.fullscreen ? target : nullptr, nullptr);
  if (!window) {
    glfwTerminate();
    return Status::Error(
        "cannot create an OpenGL 3.3 window (Mesa's llvmpipe is enough: "
        "install libgl1-mesa-dri)");
  }
  if (!o.screen.fullscreen && o.screen.monitor > 0 && target) {
    int x = 0, y = 0;  // windowed on the chosen monitor: its top-left corner
    glfwGetMonitorPos(target, &x, &y);
    glfwSetWindowPos(window, x, y);
  }
  if (o.screen.hide_cursor) glfwSetInputMode(window, GLFW_CURSOR, GLFW_CURSOR_HIDDEN);
  glfwMakeContextCurrent(window);
  glfwSwapInterval(1);
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;  // no imgui.ini next to the program
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  ImGui_ImplOpenGL3_Init("#version 330");
  auto gui = std::unique_ptr<GuiWindow>(new GuiWindow(window));
  glfwGetFramebufferSize(window, &gui->fb_width_, &gui->fb_height_);
  return gui;
}

GuiWindow::~GuiWindow() {
  if (canvas_fbo_) glDeleteFramebuffers(1, &canvas_fbo_);
  if (canvas_rb_) glDeleteRenderbuffers(1, &canvas_rb_);
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window_);
  glfwTerminate();
}

bool GuiWindow::ShouldClose() const { return glfwWindowShouldClose(window_); }

void GuiWindow::WaitEvents(double timeout_seconds) { glfwWaitEventsTimeout(timeout_seconds); }

void GuiWindow::PostEmptyEvent() { glfwPostEmptyEvent(); }

void GuiWindow::BeginFrame(const std::function<void(ImGuiIO&)>& inject) {
  glfwGetFramebufferSize(window_, &fb_width_, &fb_height_);
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  if (inject) inject(ImGui::GetIO());
  ImGui::NewFrame();
  BeginLayoutFrame(static_cast<float>(fb_width_), static_cast<float>(fb_height_));
}

void GuiWindow::Render(ImU32 clear) {
  ImGui::Render();
  canvas_whole_ = false;  // the window shows a frame the canvas does not have
  DrawWhole(clear);
}

void GuiWindow::RenderKept(ImU32 clear) {
  ImGui::Render();
  const bool canvas = BindCanvas();
  DrawWhole(clear);
  if (canvas) {
    canvas_whole_ = true;
    ShowCanvas();
  }
}

bool GuiWindow::HasKeptFrame() const {
  return canvas_whole_ && canvas_width_ == fb_width_ && canvas_height_ == fb_height_;
}

void GuiWindow::RenderOver() {
  ImGui::Render();
  if (!HasKeptFrame() || !BindCanvas()) return;  // REQUIRES broken: nothing drawn
  glViewport(0, 0, fb_width_, fb_height_);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  ShowCanvas();
}

void GuiWindow::DrawWhole(ImU32 clear) {
  glViewport(0, 0, fb_width_, fb_height_);
  const ImVec4 c = ImGui::ColorConvertU32ToFloat4(clear);
  glClearColor(c.x, c.y, c.z, 1);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
}

bool GuiWindow::BindCanvas() {
  if (canvas_failed_) return false;
  if (!canvas_fbo_ || canvas_width_ != fb_width_ || canvas_height_ != fb_height_) {
    if (!canvas_fbo_) {
      glGenFramebuffers(1, &canvas_fbo_);
      glGenRenderbuffers(1, &canvas_rb_);
    }
    glBindRenderbuffer(GL_RENDERBUFFER, canvas_rb_);
    glRenderbufferStorage(GL_RENDERBUFFER, GL_RGBA8, fb_width_, fb_height_);
    glBindRenderbuffer(GL_RENDERBUFFER, 0);
    glBindFramebuffer(GL_FRAMEBUFFER, canvas_fbo_);
    glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, canvas_rb_);
    if (glCheckFramebufferStatus(GL_FRAMEBUFFER) != GL_FRAMEBUFFER_COMPLETE) {
      // Out of video memory, or a driver without it: draw every frame whole.
      std::fprintf(stderr, "warning: no offscreen canvas of %dx%d; every frame is drawn whole\n",
                   fb_width_, fb_height_);
      glBindFramebuffer(GL_FRAMEBUFFER, 0);
      canvas_failed_ = true;
      return false;
    }
    canvas_width_ = fb_width_;
    canvas_height_ = fb_height_;
    canvas_whole_ = false;
  }
  glBindFramebuffer(GL_FRAMEBUFFER, canvas_fbo_);
  return true;
}

void GuiWindow::ShowCanvas() {
  // ImGui leaves the scissor test as it found it, but a blit obeys it.
  glDisable(GL_SCISSOR_TEST);
  glBindFramebuffer(GL_READ_FRAMEBUFFER, canvas_fbo_);
  glBindFramebuffer(GL_DRAW_FRAMEBUFFER, 0);
  glBlitFramebuffer(0, 0, fb_width_, fb_height_, 0, 0, fb_width_, fb_height_, GL_COLOR_BUFFER_BIT,
                    GL_NEAREST);
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
}

Status GuiWindow::Screenshot(const std::string& path) const {
  const int w = fb_width_, h = fb_height_;
  std::vector<unsigned char> px(static_cast<size_t>(w) * h * 4);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
  // OpenGL's rows start at the bottom.
  std::vector<unsigned char> flipped(px.size());
  for (int y = 0; y < h; ++y) {
    std::copy_n(&px[static_cast<size_t>(h - 1 - y) * w * 4], w * 4,
                &flipped[static_cast<size_t>(y) * w * 4]);
  }
  if (stbi_write_png(path.c_str(), w, h, 4, flipped.data(), w * 4) == 0) {
    return Status::Error("cannot write the screenshot " + path +
                         ": check that its folder exists and is writable");
  }
  if (const LayoutFrame* layout = LayoutRecording()) {
    const std::string json_path = (path.size() > 4 && path.compare(path.size() - 4, 4, ".png") == 0
                                       ? path.substr(0, path.size() - 4)
                                       : path) +
                                  ".layout.json";
    std::FILE* out = std::fopen(json_path.c_str(), "w");
    const std::string text = LayoutToJson(*layout);
    if (!out || std::fwrite(text.data(), 1, text.size(), out) != text.size()) {
      if (out) std::fclose(out);
      return Status::Error("cannot write the layout record " + json_path);
    }
    std::fclose(out);
  }
  return Status::Ok();
}

void GuiWindow::Present() { glfwSwapBuffers(window_); }

bool ParseWindowSize(const std::string& text, int* width, int* height, std::string* error) {
  char rest = 0;
  if (std::sscanf(text.c_str(), "%dx%d%c", width, height, &rest) != 2 || *width < 320 ||
      *height < 240) {
    *error = "--size '" + text + "' must look like 1920x1080 (at least 320x240)";
    return false;
  }
  return true;
}

bool ParseSizeOption(const char* program, const std::string& text, int* width, int* height) {
  std::string error;
  if (ParseWindowSize(text, width, height, &error)) return true;
  std::fprintf(stderr, "%s: %s\n", program, error.c_str());
  return false;
}

ImFont* AddFont(const char* path, float pixels, bool ascii_only) {
  if (access(path, R_OK) != 0) return nullptr;  // ImGui would assert on a missing file
  static const ImWchar kRanges[] = {
      0x0020, 0x00FF,  // Basic Latin + Latin-1 (e, n with marks in names)
      0x2013, 0x2026,  // dashes, quotes, bullet, ellipsis
      0x2190, 0x2193,  // arrows
      0,
  };
  static const ImWchar kAscii[] = {0x0020, 0x007E, 0};
  ImFontConfig cfg;
  if (pixels > 48) cfg.OversampleH = cfg.OversampleV = 1;  // keeps the atlas small
  cfg.PixelSnapH = true;
  return ImGui::GetIO().Fonts->AddFontFromFileTTF(path, std::round(pixels), &cfg,
                                                  ascii_only ? kAscii : kRanges);
}

std::vector<std::string> WrapLines(ImFont* f, const std::string& s, float wrap) {
  auto width = [&](const std::string& t) {
    return f->CalcTextSizeA(f->FontSize, FLT_MAX, 0, t.c_str()).x;
  };
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= s.size()) {
    size_t nl = s.find('\n', start);
    if (nl == std::string::npos) nl = s.size();
    const std::string paragraph = s.substr(start, nl - start);
    std::string line;
    bool any = false;
    for (size_t at = 0; at <= paragraph.size();) {
      size_t end = paragraph.find(' ', at);
      if (end == std::string::npos) end = paragraph.size();
      std::string word = paragraph.substr(at, end - at);
      at = end + 1;
      if (word.empty() && end < paragraph.size()) continue;  // runs of spaces
      const std::string joined = line.empty() ? word : line + " " + word;
      if (wrap <= 0 || width(joined) <= wrap) {
        line = joined;
        any = true;
        continue;
      }
      if (!line.empty()) lines.push_back(line);
      // A word wider than the line is broken between characters: never lost.
      while (!word.empty() && width(word) > wrap) {
        size_t cut = word.size();
        while (cut > 1 && width(word.substr(0, cut)) > wrap) {
          --cut;
          while (cut > 1 && (static_cast<unsigned char>(word[cut]) & 0xC0) == 0x80) --cut;
        }
        lines.push_back(word.substr(0, cut));
        word = word.substr(cut);
      }
      line = word;
      any = true;
    }
    if (any || !paragraph.empty() || lines.empty()) lines.push_back(line);
    if (nl == s.size()) break;
    start = nl + 1;
  }
  return lines;
}

ImVec2 MeasureText(ImFont* f, const std::string& s, float wrap) {
  if (wrap <= 0) return f->CalcTextSizeA(f->FontSize, FLT_MAX, 0, s.c_str());
  float w = 0;
  const std::vector<std::string> lines = WrapLines(f, s, wrap);
  for (const std::string& line : lines) {
    w = std::max(w, f->CalcTextSizeA(f->FontSize, FLT_MAX, 0, line.c_str()).x);
  }
  return ImVec2(w, f->FontSize * static_cast<float>(lines.size()));
}

float DrawText(ImDrawList* dl, ImFont* f, ImVec2 pos, ImU32 col, const std::string& s, float wrap) {
  if (wrap <= 0) {
    dl->AddText(f, f->FontSize, pos, col, s.c_str());
    RecordText(f, pos, MeasureText(f, s), col, s);
    return f->CalcTextSizeA(f->FontSize, FLT_MAX, 0, s.c_str()).y;
  }
  // Lines broken at spaces only: ImGui's own wrap also breaks after a '.',
  // which splits a time written the Indonesian way ("08.|00").
  float y = pos.y;
  for (const std::string& line : WrapLines(f, s, wrap)) {
    dl->AddText(f, f->FontSize, ImVec2(pos.x, y), col, line.c_str());
    RecordText(f, ImVec2(pos.x, y), MeasureText(f, line), col, line);
    y += f->FontSize;
  }
  return y - pos.y;
}

void DrawTextScaled(ImDrawList* dl, ImFont* f, float pixels, ImVec2 pos, ImU32 col,
                    const std::string& s) {
  dl->AddText(f, pixels, pos, col, s.c_str());
  RecordText(f, pos, f->CalcTextSizeA(pixels, FLT_MAX, 0, s.c_str()), col, s);
}

void DrawShortened(ImDrawList* dl, ImFont* f, ImVec2 pos, ImU32 col, const std::string& drawn,
                   const std::string& whole) {
  dl->AddText(f, f->FontSize, pos, col, drawn.c_str());
  RecordText(f, pos, MeasureText(f, drawn), col, drawn, 0, drawn == whole ? "" : whole);
}

std::string FitText(ImFont* f, const std::string& whole, float max_w) {
  if (MeasureText(f, whole).x <= max_w) return whole;
  std::string s = whole;
  while (!s.empty() && MeasureText(f, s + "...").x > max_w) {
    s.pop_back();
    while (!s.empty() && (static_cast<unsigned char>(s.back()) & 0xC0) == 0x80) s.pop_back();
  }
  return s + "...";
}

namespace {

ImU32 StyleColor(ImGuiCol c) { return ImGui::ColorConvertFloat4ToU32(ImGui::GetStyleColorVec4(c)); }

// Records the last ImGui item's text, bounded by the clip rectangle it was
// drawn in (a table cell, a window) as well as by the enclosing box.
void RecordItemText(const std::string& s, ImU32 fg) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 lo = ImGui::GetItemRectMin(), hi = ImGui::GetItemRectMax();
  RecordText(ImGui::GetFont(), lo, ImVec2(hi.x - lo.x, hi.y - lo.y), fg, s,
             StyleColor(ImGuiCol_WindowBg), "", dl->GetClipRectMin(), dl->GetClipRectMax());
}

}  // namespace

float FixedColumnWidth(float content) { return content + ImGui::GetStyle().CellPadding.x; }

void Label(const std::string& s, bool wrapped) {
  if (!wrapped) {
    ImGui::TextUnformatted(s.c_str());
    if (LayoutRecording()) RecordItemText(s, StyleColor(ImGuiCol_Text));
    return;
  }
  // As ImGui::TextWrapped (at the wrap position, or the window's edge), but
  // broken at spaces only (WrapLines).
  ImGuiWindow* window = ImGui::GetCurrentWindow();
  const float wrap_pos = window->DC.TextWrapPos < 0 ? 0.0f : window->DC.TextWrapPos;
  const float width = ImGui::CalcWrapWidthForPos(window->DC.CursorPos, wrap_pos);
  std::string text;
  for (const std::string& line : WrapLines(ImGui::GetFont(), s, width)) {
    text += (text.empty() ? "" : "\n") + line;
  }
  ImGui::TextUnformatted(text.c_str());
  if (LayoutRecording()) RecordItemText(s, StyleColor(ImGuiCol_Text));
}

void RecordButtonLabel(const std::string& label, ImU32 fg, ImU32 bg) {
  if (!LayoutRecording()) return;
  const std::string shown = label.substr(0, label.find("##"));
  const ImVec2 lo = ImGui::GetItemRectMin(), hi = ImGui::GetItemRectMax();
  const ImVec2 pad = ImGui::GetStyle().FramePadding;
  const ImVec2 align = ImGui::GetStyle().ButtonTextAlign;
  const ImVec2 size = ImGui::CalcTextSize(shown.c_str());
  const ImVec2 in_lo(lo.x + pad.x, lo.y + pad.y), in_hi(hi.x - pad.x, hi.y - pad.y);
  const ImVec2 at(in_lo.x + std::max(0.0f, (in_hi.x - in_lo.x - size.x) * align.x),
                  in_lo.y + std::max(0.0f, (in_hi.y - in_lo.y - size.y) * align.y));
  LayoutBox box("button '" + shown + "'", in_lo, in_hi, bg);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  RecordText(ImGui::GetFont(), at, size, fg, shown, bg, "", dl->GetClipRectMin(),
             dl->GetClipRectMax());
}

void DrawCentered(ImDrawList* dl, ImFont* f, float cx, float y, ImU32 col, const std::string& s) {
  DrawText(dl, f, ImVec2(cx - MeasureText(f, s).x / 2, y), col, s);
}

float DrawCenteredWrapped(ImDrawList* dl, ImFont* f, float cx, float y, ImU32 col,
                          const std::string& s, float wrap) {
  float h = 0;
  for (const std::string& line : WrapLines(f, s, wrap)) {
    DrawCentered(dl, f, cx, y + h, col, line);
    h += f->FontSize;
  }
  return h;
}

}  // namespace mpp
