#include "common/qr.h"

#include <qrencode.h>

namespace mpp {

QrModules EncodeQr(const std::string& text) {
  QrModules out;
  if (text.empty()) return out;
  QRcode* qr = QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (!qr) return out;
  out.width = qr->width;
  out.dark.resize(static_cast<size_t>(qr->width) * static_cast<size_t>(qr->width));
  for (size_t i = 0; i < out.dark.size(); ++i) out.dark[i] = (qr->data[i] & 1) != 0;
  QRcode_free(qr);
  return out;
}

}  // namespace mpp
