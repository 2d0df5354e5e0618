// A QR code's modules (libqrencode, error correction M), shared by the
// kiosk's paper and screen and mpp-web's booking page.
#pragma once

#include <string>
#include <vector>

namespace mpp {

// `width` x `width` modules, row by row, true for a dark one. Empty (width 0)
// when `text` cannot be encoded.
struct QrModules {
  int width = 0;
  std::vector<bool> dark;
  bool at(int row, int col) const {
    return dark[static_cast<size_t>(row) * static_cast<size_t>(width) + static_cast<size_t>(col)];
  }
};
QrModules EncodeQr(const std::string& text);

}  // namespace mpp
