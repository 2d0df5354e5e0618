// The manager's dashboard under Xvfb against the real broker: it shows the
// live queues, builds the compliance report through the broker's report
// thread, exports it as CSV, and sets the displays' running text - which the
// broker then serves to every display.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "tests/broker_process.h"

namespace mpp::testing {
namespace {

TEST(ManagerSystem, LiveComplianceExportAndRunningText) {
  Xvfb xvfb;
  ASSERT_TRUE(xvfb.Start(1920, 1080));
  TempDir dir;
  BrokerProcess broker(dir);
  ASSERT_TRUE(broker.Start());
  TestClient c(broker.command_endpoint());
  for (int i = 0; i < 3; ++i) c.Issue("KTP-REKAM");
  c.Issue("SKCK-BARU", v1::LANSIA);
  c.SignIn(1, "ani");
  ASSERT_EQ(c.CallNext(1).ticket().number(), "A-001");
  c.StartServing(1);
  c.Finish(1);

  const std::string shots = dir.File("manager");
  const std::string exports = dir.File("exports");
  ASSERT_EQ(std::system(("mkdir -p " + exports).c_str()), 0);
  const std::string script = dir.File("manager.script");
  std::ofstream(script) << "wait connected\n"
                           "wait report 30\n"
                           "screenshot "
                        << shots
                        << "-live.png\n"
                           "tap view-compliance\n"
                           "tap range-today\n"
                           "wait report 30\n"
                           "tap export\n"
                           "wait exported\n"
                           "screenshot "
                        << shots
                        << "-compliance.png\n"
                           "tap view-skm\n"
                           "screenshot "
                        << shots
                        << "-skm.png\n"
                           "tap view-ticker\n"
                           "tap ticker-clear\n"
                           "tap ticker-text\n"
                           "type Layanan SIM tutup pukul 12.00 hari ini\n"
                           "tap ticker-save\n"
                           "wait ticker-saved\n"
                           "screenshot "
                        << shots
                        << "-ticker.png\n"
                           "quit\n";
  ChildProcess manager;
  ASSERT_TRUE(manager.Start({MPP_MANAGER_BIN, "--broker", broker.command_endpoint(), "--size",
                             "1600x900", "--export-dir", exports, "--script", script},
                            {"DISPLAY=" + xvfb.display()}, dir.File("manager.log")));
  ASSERT_EQ(manager.Wait(90000), 0) << ReadFile(dir.File("manager.log"));

  for (const char* view : {"live", "compliance", "skm", "ticker"}) {
    int w = 0, h = 0;
    ASSERT_TRUE(PngSize(shots + "-" + view + ".png", &w, &h)) << view;
    EXPECT_EQ(w, 1600) << view;
    EXPECT_EQ(h, 900) << view;
  }
  // The export is the broker's report for today, as CSV for Excel with
  // Indonesian settings (BOM, ';', decimal comma) and as a workbook.
  const std::string base = exports + "/laporan-2026-11-30_2026-11-30-service";
  const std::string csv = ReadFile(base + ".csv");
  EXPECT_EQ(csv.rfind("\xEF\xBB\xBFgroup;name;issued;served;", 0), 0u) << csv;
  EXPECT_NE(csv.find("\r\nKTP-REKAM;Perekaman KTP-el;3;1;"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\r\nTOTAL;;4;1;"), std::string::npos) << csv;
  const CommandResult sheets = RunCommand("unzip -p '" + base + ".xlsx' xl/workbook.xml");
  ASSERT_EQ(sheets.exit_code, 0) << "not a workbook: " << base << ".xlsx";
  for (const char* sheet : {"Kepatuhan", "SKM", "Kelengkapan"})
    EXPECT_NE(sheets.out.find(std::string("name=\"") + sheet + "\""), std::string::npos) << sheet;
  const std::string strings = RunCommand("unzip -p '" + base + ".xlsx' xl/sharedStrings.xml").out;
  EXPECT_NE(strings.find("Perekaman KTP-el"), std::string::npos);
  EXPECT_NE(strings.find("U9 Penanganan pengaduan"), std::string::npos);
  // The running text typed on the dashboard is what displays get now.
  EXPECT_EQ(c.Snapshot().snapshot().ticker(), "Layanan SIM tutup pukul 12.00 hari ini");
}

TEST(ManagerSystem, BadArgumentsSayWhatToFix) {
  ChildProcess manager;
  TempDir dir;
  ASSERT_TRUE(manager.Start({MPP_MANAGER_BIN, "--from", "30-11-2026"}, {}, dir.File("err.log")));
  EXPECT_EQ(manager.Wait(10000), 2);
  EXPECT_NE(ReadFile(dir.File("err.log")).find("write e.g. 2026-11-30"), std::string::npos);
}

}  // namespace
}  // namespace mpp::testing
