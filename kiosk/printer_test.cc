#include "kiosk/printer.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace mpp::kiosk {
namespace {

namespace fs = std::filesystem;

PrintedTicket Sample() {
  PrintedTicket t;
  t.mpp_name = "Mal Pelayanan Publik Kota Cilegon";
  t.number = "B-012";
  t.service = "SKCK Baru";
  t.agency = "Polres Cilegon";
  t.issued_text = "Senin, 30 November 2026 09:15";
  t.wait_line = "2 orang di depan Anda, sekitar 10 menit";
  t.where = "Silakan tunggu di Zona A";
  t.qr_payload = "MPP1/T/2026-11-30/B-012/88";
  t.complaint = "Pengaduan: SP4N-LAPOR! (lapor.go.id)";
  return t;
}

class PrinterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("mpp-printer-" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  fs::path dir_;
};

TEST_F(PrinterTest, FilePrinterWritesPngAndPdfNamedAfterTheTicket) {
  auto p = OpenPrinter("file:" + dir_.string(), Paper::k58mm);
  ASSERT_TRUE(p.ok()) << p.status().message();
  ASSERT_TRUE((*p)->Print(Sample(), "2026-11-30_B-012_88").ok());
  EXPECT_EQ(Slurp(dir_ / "2026-11-30_B-012_88.png").substr(1, 3), "PNG");
  EXPECT_EQ(Slurp(dir_ / "2026-11-30_B-012_88.pdf").substr(0, 5), "%PDF-");
}

TEST_F(PrinterTest, EscPosPrinterSendsExactlyTheRasterBytes) {
  const fs::path device = dir_ / "lp0";
  std::ofstream(device).close();  // stands in for /dev/usb/lp0
  auto p = OpenPrinter("escpos:" + device.string(), Paper::k80mm);
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE((*p)->Print(Sample(), "x").ok());
  auto raster = RenderTicket(Sample(), Paper::k80mm);
  ASSERT_TRUE(raster.ok());
  EXPECT_EQ(Slurp(device), EscPosRaster(*raster));
}

TEST_F(PrinterTest, AMissingDeviceSaysToCheckTheCable) {
  auto p = OpenPrinter("escpos:" + (dir_ / "usb/lp9").string(), Paper::k80mm);
  ASSERT_TRUE(p.ok());  // printers get plugged in later: checked at print time
  const Status st = (*p)->Print(Sample(), "x");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("is not connected: check the USB cable"), std::string::npos)
      << st.message();
}

TEST_F(PrinterTest, AFullDeviceIsReportedAsOutOfPaper) {
  // /dev/full answers every write with ENOSPC, which is what usblp reports for
  // a printer without paper.
  if (access("/dev/full", W_OK) != 0) GTEST_SKIP() << "/dev/full is not available";
  auto p = OpenPrinter("escpos:/dev/full", Paper::k58mm);
  ASSERT_TRUE(p.ok());
  const Status st = (*p)->Print(Sample(), "x");
  EXPECT_EQ(st.message(), "printer is out of paper: load a new roll");
}

TEST_F(PrinterTest, CupsWithoutASchedulerIsAClearError) {
  setenv("CUPS_SERVER", (dir_ / "no-cupsd.sock").c_str(), 1);
  auto p = OpenPrinter("cups:Thermal80", Paper::k80mm);
  ASSERT_TRUE(p.ok());
  const Status st = (*p)->Print(Sample(), "2026-11-30_B-012_88");
  unsetenv("CUPS_SERVER");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("CUPS queue 'Thermal80' refused the ticket"), std::string::npos)
      << st.message();
  EXPECT_NE(st.message().find("lpstat -p"), std::string::npos);
}

TEST_F(PrinterTest, BadSpecsAreRefusedWithTheAcceptedForms) {
  for (const char* spec : {"", "lp0", "usb:/dev/usb/lp0", "file:", "cups:", "none:x"}) {
    auto p = OpenPrinter(spec, Paper::k80mm);
    ASSERT_FALSE(p.ok()) << spec;
    EXPECT_NE(p.status().message().find("escpos:/dev/usb/lp0, cups:QUEUE, file:DIR or none"),
              std::string::npos);
  }
  auto missing = OpenPrinter("file:" + (dir_ / "nope").string(), Paper::k80mm);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("no such folder; create it first"), std::string::npos);
}

TEST_F(PrinterTest, NoPrinterFailsSoTheVisitorIsShownTheNumber) {
  auto p = OpenPrinter("none", Paper::k80mm);
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE((*p)->Print(Sample(), "x").ok());
}

}  // namespace
}  // namespace mpp::kiosk
