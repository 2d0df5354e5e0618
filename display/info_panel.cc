#include "display/info_panel.h"

#include <GL/gl.h>
#include <spdlog/spdlog.h>
#include <stb_image.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>

namespace mpp::display {

std::vector<std::string> ListImages(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.empty() || name[0] == '.' || !e.is_regular_file(ec)) continue;
    std::string ext = e.path().extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (ext == ".png" || ext == ".jpg" || ext == ".jpeg") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

void FitImage(float iw, float ih, ImVec2 min, ImVec2 max, ImVec2* out_min, ImVec2* out_max) {
  const float bw = max.x - min.x, bh = max.y - min.y;
  const float scale = (iw > 0 && ih > 0) ? std::min(bw / iw, bh / ih) : 0;
  const float w = iw * scale, h = ih * scale;
  *out_min = ImVec2(min.x + (bw - w) / 2, min.y + (bh - h) / 2);
  *out_max = ImVec2(out_min->x + w, out_min->y + h);
}

InfoPanel::InfoPanel(std::string dir, double seconds_each)
    : dir_(std::move(dir)), seconds_each_(std::max(1.0, seconds_each)) {}

InfoPanel::~InfoPanel() { Unload(); }

void InfoPanel::Unload() {
  if (texture_) {
    const GLuint t = texture_;
    glDeleteTextures(1, &t);
  }
  texture_ = 0;
  width_ = height_ = 0;
}

void InfoPanel::Load(const std::string& path) {
  Unload();
  current_ = path;
  int w = 0, h = 0, n = 0;
  unsigned char* px = stbi_load(path.c_str(), &w, &h, &n, 4);
  if (!px) {
    if (!bad_[path]) {
      spdlog::warn("info panel: cannot read {} ({}); it is skipped - use PNG or JPEG", path,
                   stbi_failure_reason());
      bad_[path] = true;
    }
    return;
  }
  GLuint t = 0;
  glGenTextures(1, &t);
  glBindTexture(GL_TEXTURE_2D, t);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, px);
  stbi_image_free(px);
  texture_ = t;
  width_ = w;
  height_ = h;
}

void InfoPanel::Update(double now) {
  if (now - scanned_at_ >= 60) {
    files_ = ListImages(dir_);
    std::erase_if(files_, [&](const std::string& f) { return bad_.count(f) > 0; });
    scanned_at_ = now;
    if (files_.empty() && !current_.empty()) spdlog::info("info panel: no image in {}", dir_);
  }
  if (files_.empty()) {
    Unload();
    current_.clear();
    return;
  }
  const size_t i = static_cast<size_t>(std::floor(now / seconds_each_)) % files_.size();
  if (files_[i] != current_) Load(files_[i]);
}

double InfoPanel::seconds_to_next(double now) const {
  return seconds_each_ - std::fmod(now, seconds_each_) + 0.01;
}

void InfoPanel::Draw(ImDrawList* dl, ImVec2 min, ImVec2 max) const {
  if (!texture_) return;
  ImVec2 a, b;
  FitImage(static_cast<float>(width_), static_cast<float>(height_), min, max, &a, &b);
  dl->AddImage(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(texture_)), a, b);
}

}  // namespace mpp::display
