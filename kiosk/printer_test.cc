#include "kiosk/printer.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

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

// Most hall printers are on the network: ESC/POS to their raw port (9100).
// A real listener takes the ticket; it receives exactly the raster bytes.
TEST_F(PrinterTest, ANetworkPrinterGetsExactlyTheRasterBytes) {
  const int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(listener, 1), 0);
  socklen_t len = sizeof addr;
  getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
  const int port = ntohs(addr.sin_port);
  std::string received;
  std::thread printer([&] {
    const int c = accept(listener, nullptr, nullptr);
    char buf[65536];
    for (ssize_t n; (n = read(c, buf, sizeof buf)) > 0;)
      received.append(buf, static_cast<size_t>(n));
    close(c);
  });
  auto p = OpenPrinter("escpos:tcp:127.0.0.1:" + std::to_string(port), Paper::k80mm);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ((*p)->Describe(), "escpos:tcp:127.0.0.1:" + std::to_string(port));
  const Status st = (*p)->Print(Sample(), "x");
  printer.join();
  close(listener);
  ASSERT_TRUE(st.ok()) << st.message();
  auto raster = RenderTicket(Sample(), Paper::k80mm);
  ASSERT_TRUE(raster.ok());
  EXPECT_EQ(received, EscPosRaster(*raster));

  // Nobody listening there any more (switched off): said so, with what to check.
  const Status off = (*p)->Print(Sample(), "x");
  ASSERT_FALSE(off.ok());
  EXPECT_NE(off.message().find("refuses the connection: is it on"), std::string::npos)
      << off.message();
  auto unknown = OpenPrinter("escpos:tcp:no-such-printer.invalid", Paper::k80mm);
  ASSERT_TRUE(unknown.ok());
  const Status nowhere = (*unknown)->Print(Sample(), "x");
  ASSERT_FALSE(nowhere.ok());
  EXPECT_NE(nowhere.message().find("cannot find the printer no-such-printer.invalid:9100"),
            std::string::npos)
      << nowhere.message();
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
    EXPECT_NE(p.status().message().find(
                  "escpos:/dev/usb/lp0, escpos:tcp:HOST:9100, cups:QUEUE, file:DIR or none"),
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
