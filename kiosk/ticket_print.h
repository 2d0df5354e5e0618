// The printed ticket: laid out once with cairo for 58 mm and 80 mm thermal
// paper (203 dpi: 384 and 576 dots wide), with a QR code (libqrencode)
// carrying the ticket id. Outputs: a grayscale raster (PNG, and the ESC/POS
// "GS v 0" raster command for USB thermal printers) or a vector PDF.
//
// kiosk/printer.h sends it to a device, a CUPS queue or a folder.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/qr.h"
#include "common/status.h"

namespace mpp::kiosk {

enum class Paper { k58mm, k80mm };

struct PrintedTicket {
  std::string mpp_name;       // "Mal Pelayanan Publik Kota Cilegon"
  std::string number;         // "A-007"
  std::string service;        // "Perekaman KTP-el"
  std::string agency;         // "Dinas Kependudukan dan Pencatatan Sipil"
  std::string issued_text;    // "Senin, 30 November 2026 09:15"
  std::string wait_line;      // "4 orang di depan Anda, perkiraan sekitar 20 menit"
  std::string priority_text;  // "Prioritas: Lansia", or empty
  std::string where;          // "Tunggu di Zona A"
  std::string qr_payload;     // the ticket's page ("https://.../t/TOKEN") or "MPP1/T/..."
  std::string qr_caption;     // under the QR when it is a link: "Pindai untuk ..."
  std::string complaint;      // "Pengaduan: SP4N-LAPOR! (lapor.go.id)"
  // Fixed words, in the visitor's language.
  std::string heading = "NOMOR ANTREAN";
  std::string keep_line = "Simpan tiket ini sampai layanan selesai.";
};

struct Raster {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> gray;  // row-major, 0 = black, 255 = white
};

int PaperDots(Paper paper);  // 384 or 576

// QR codes: common/qr.h (EncodeQr; the paper and the kiosk's screen draw the same one).

// No printed text is smaller than this: 2.5 mm at 203 dpi. A long name wraps
// onto more lines instead of shrinking below it.
inline constexpr double kMinTextDots = 2.5 / 25.4 * 203.0;

// A line as laid out on the paper (for tests): its text, font size and width
// in dots.
struct PrintedLine {
  std::string text;
  double size = 0;
  double width = 0;
};
std::vector<PrintedLine> TicketLines(const PrintedTicket& ticket, Paper paper);

StatusOr<Raster> RenderTicket(const PrintedTicket& ticket, Paper paper);
Status WritePng(const Raster& raster, const std::string& path);
Status WritePdf(const PrintedTicket& ticket, Paper paper, const std::string& path);

// ESC @ (init), GS v 0 raster (1 bit per dot, black where gray < 128), feed
// 4 lines, GS V 66 0 (partial cut). Width is padded to whole bytes.
std::string EscPosRaster(const Raster& raster);

}  // namespace mpp::kiosk
