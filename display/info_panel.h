// InfoPanel: the MPP's own images - requirement posters, announcements - from
// a folder, shown in rotation on the hall display beside the calls, never
// over the called number (display/screen.h places it). Staff change what is
// shown by adding or removing files: the folder is read again every minute.
//
//   InfoPanel info("/var/lib/mpp/info", 12.0);
//   info.Update(now_seconds);            // UI thread, once per frame
//   if (info.has_image()) info.Draw(dl, min, max);
//
// PNG and JPEG (stb_image); a file that cannot be read is logged once and
// skipped. REQUIRES: the GL context's thread.
#pragma once

#include <imgui.h>

#include <map>
#include <string>
#include <vector>

namespace mpp::display {

// The images of `dir` in name order: *.png, *.jpg, *.jpeg (any case), not
// hidden files. Empty when the folder is missing or unreadable.
std::vector<std::string> ListImages(const std::string& dir);

// The largest rectangle of `image_w` x `image_h`'s aspect that fits in
// [min, max], centred.
void FitImage(float image_w, float image_h, ImVec2 min, ImVec2 max, ImVec2* out_min,
              ImVec2* out_max);

class InfoPanel {
 public:
  InfoPanel(std::string dir, double seconds_each);
  ~InfoPanel();
  InfoPanel(const InfoPanel&) = delete;
  InfoPanel& operator=(const InfoPanel&) = delete;

  // Rescans the folder (at most once a minute), picks the image for
  // `now_seconds` and loads it into a texture when it changes.
  void Update(double now_seconds);
  bool has_image() const { return texture_ != 0; }
  const std::string& current() const { return current_; }
  // Seconds until the image changes (the display sleeps until then).
  double seconds_to_next(double now_seconds) const;
  void Draw(ImDrawList* dl, ImVec2 min, ImVec2 max) const;

 private:
  void Load(const std::string& path);
  void Unload();

  std::string dir_;
  double seconds_each_;
  double scanned_at_ = -1e9;
  std::vector<std::string> files_;
  std::map<std::string, bool> bad_;  // logged once
  std::string current_;
  unsigned int texture_ = 0;
  int width_ = 0, height_ = 0;
};

}  // namespace mpp::display
