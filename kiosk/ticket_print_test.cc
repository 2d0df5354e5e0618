#include "kiosk/ticket_print.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace mpp::kiosk {
namespace {

PrintedTicket Sample() {
  PrintedTicket t;
  t.mpp_name = "Mal Pelayanan Publik Kota Cilegon";
  t.number = "A-007";
  t.service = "Perekaman KTP-el";
  t.agency = "Dinas Kependudukan dan Pencatatan Sipil";
  t.issued_text = "Senin, 30 November 2026 09:15";
  t.wait_line = "4 orang di depan Anda, perkiraan sekitar 20 menit";
  t.priority_text = "Prioritas: Lansia";
  t.where = "Silakan tunggu di Zona A";
  t.qr_payload = "MPP1/T/2026-11-30/A-007/123";
  t.complaint = "Pengaduan: SP4N-LAPOR! (lapor.go.id)";
  return t;
}

std::string Temp(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("mpp-print-" + std::to_string(getpid()) + "-" + name))
      .string();
}

std::string Shell(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  char buf[512];
  size_t n;
  while (p && (n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  if (p) pclose(p);
  return out;
}

TEST(TicketPrint, RendersAtThePaperWidthWithInkOnIt) {
  for (Paper paper : {Paper::k58mm, Paper::k80mm}) {
    auto r = RenderTicket(Sample(), paper);
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(r->width, PaperDots(paper));
    EXPECT_GT(r->height, r->width);  // a ticket is taller than wide
    size_t black = 0;
    for (uint8_t g : r->gray) black += g < 128;
    EXPECT_GT(black, r->gray.size() / 50) << "nothing printed";
    EXPECT_LT(black, r->gray.size() / 2) << "mostly black";
  }
}

// On 58 mm paper a 126-character service name used to shrink to about
// 0.8 mm; it wraps now, and no line is smaller than 2.5 mm or wider than
// the paper.
TEST(TicketPrint, ALongServiceNameWrapsAndNoTextIsSmallerThanTwoAndAHalfMillimetres) {
  PrintedTicket t = Sample();
  t.service =
      "Penerbitan Surat Keterangan Penelitian dan Rekomendasi Izin Kegiatan Penelitian bagi "
      "Peneliti Asing serta Lembaga Penelitian A";
  for (Paper paper : {Paper::k58mm, Paper::k80mm}) {
    const std::vector<PrintedLine> lines = TicketLines(t, paper);
    std::string service;
    for (const PrintedLine& line : lines) {
      EXPECT_GE(line.size, kMinTextDots) << "'" << line.text << "'";
      EXPECT_LE(line.width, PaperDots(paper)) << "'" << line.text << "'";
      if (t.service.find(line.text) != std::string::npos && line.text.size() > 12) {
        service += (service.empty() ? "" : " ") + line.text;
      }
    }
    EXPECT_EQ(service, t.service) << "every word of the name, in order, on lines of its own";
  }
}

TEST(TicketPrint, QrCodeDecodesBackToTheTicketId) {
  for (Paper paper : {Paper::k58mm, Paper::k80mm}) {
    auto r = RenderTicket(Sample(), paper);
    ASSERT_TRUE(r.ok());
    const std::string png = Temp(paper == Paper::k58mm ? "58.png" : "80.png");
    ASSERT_TRUE(WritePng(*r, png).ok());
    const std::string decoded = Shell("zbarimg --quiet --raw '" + png + "' 2>/dev/null");
    EXPECT_EQ(decoded, Sample().qr_payload + "\n") << "zbarimg read: " << decoded;
    std::filesystem::remove(png);
  }
}

TEST(TicketPrint, PdfIsWritten) {
  const std::string pdf = Temp("ticket.pdf");
  ASSERT_TRUE(WritePdf(Sample(), Paper::k80mm, pdf).ok());
  std::ifstream in(pdf, std::ios::binary);
  std::string head(5, '\0');
  in.read(head.data(), 5);
  EXPECT_EQ(head, "%PDF-");
  std::filesystem::remove(pdf);
}

TEST(TicketPrint, EscPosGoldenBytesForATinyImage) {
  Raster r;
  r.width = 10;  // pads to 2 bytes per row
  r.height = 2;
  r.gray = {0,   255, 0,   255, 0,   255, 0,   255, 0,   0,      // row 1
            255, 255, 255, 255, 255, 255, 255, 255, 255, 0};     // row 2
  const std::string want = std::string("\x1b\x40", 2) +          // ESC @
                           std::string("\x1d\x76\x30\x00", 4) +  // GS v 0 m=0
                           std::string("\x02\x00\x02\x00", 4) +  // xL xH yL yH
                           std::string("\xaa\xc0", 2) +          // 10101010 11000000
                           std::string("\x00\x40", 2) +          // 00000000 01000000
                           std::string("\x1b\x64\x04", 3) +      // ESC d 4
                           std::string("\x1d\x56\x42\x00", 4);   // GS V 66 0
  EXPECT_EQ(EscPosRaster(r), want);
}

TEST(TicketPrint, EscPosOfARealTicketHasTheRightSize) {
  auto r = RenderTicket(Sample(), Paper::k58mm);
  ASSERT_TRUE(r.ok());
  const std::string bytes = EscPosRaster(*r);
  EXPECT_EQ(bytes.size(), 2 + 8 + static_cast<size_t>(48 * r->height) + 3 + 4);
  EXPECT_EQ(static_cast<unsigned char>(bytes[6]), 48);  // 384 dots / 8
}

TEST(TicketPrint, UnwritablePathIsAClearError) {
  auto r = RenderTicket(Sample(), Paper::k58mm);
  ASSERT_TRUE(r.ok());
  const Status st = WritePng(*r, "/nonexistent-dir/t.png");
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("writable"), std::string::npos);
}

}  // namespace
}  // namespace mpp::kiosk
