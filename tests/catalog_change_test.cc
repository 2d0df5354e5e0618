// The catalog can change while the hall runs (docs/OPERATIONS.md, "Changing
// the catalog"): a display that stayed up follows it, a service with open
// tickets cannot vanish, `mppctl catalog check` says what would change, and
// reports keep what removed services were.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/broker_process.h"

namespace mpp::testing {
namespace {

using nlohmann::json;

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

// The sample catalog without service `code` (its [[service]] table and its
// place in every counter's list).
std::string WithoutService(std::string text, const std::string& code) {
  const size_t at = text.find("code = \"" + code + "\"\n");
  const size_t begin = text.rfind("[[service]]", at);
  const size_t end = text.find("\n[[", at);
  text.erase(begin, end + 1 - begin);
  for (const std::string& pattern : {"\"" + code + "\", ", ", \"" + code + "\""}) {
    for (size_t p; (p = text.find(pattern)) != std::string::npos;) text.erase(p, pattern.size());
  }
  return text;
}

std::string WithCounter22(const std::string& text) {
  return text +
         "\n[[counter]]\nid = 22\nname = \"Loket 22\"\nspoken = \"loket dua puluh dua\"\n"
         "zone = \"A\"\nagency = \"DUKCAPIL\"\nservices = [\"KTP-REKAM\"]\n";
}

class CatalogChange : public ::testing::Test {
 protected:
  void SetUp() override {
    sample_ = ReadFile(SampleCatalog());
    ASSERT_FALSE(sample_.empty());
    config_ = dir_.File("catalog.toml");
    WriteFile(config_, sample_);
    BrokerProcess::Options o;
    o.config = config_;
    broker_ = std::make_unique<BrokerProcess>(dir_, o);
    ASSERT_TRUE(broker_->Start());
  }
  CommandResult Ctl(const std::string& args) {
    return RunCommand(std::string(MPP_CTL_BIN) + " --broker " + broker_->command_endpoint() +
                      " --lang en " + args + " 2>&1");
  }
  std::string Version() {
    return TestClient(broker_->command_endpoint()).Snapshot().snapshot().catalog_version();
  }

  TempDir dir_;
  std::string sample_, config_;
  std::unique_ptr<BrokerProcess> broker_;
};

TEST_F(CatalogChange, CheckSaysWhatWouldChangeAndChangesNothing) {
  const std::string next = dir_.File("next.toml");
  std::string text = WithCounter22(sample_);
  text.replace(text.find("wait_target_min = 30"), 20, "wait_target_min = 25");  // KTP-REKAM
  WriteFile(next, text);
  const std::string before = Version();
  const CommandResult r = Ctl("catalog check " + next);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("counters added: 22"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("standards changed: KTP-REKAM"), std::string::npos) << r.out;
  EXPECT_EQ(Version(), before);
  WriteFile(next, "[mpp]\nname = 1\n");
  const CommandResult bad = Ctl("catalog check " + next);
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.out.find("next.toml:"), std::string::npos) << "file:line:col\n" << bad.out;
}

TEST_F(CatalogChange, AServiceWithOpenTicketsCannotVanishButCanRetire) {
  TestClient c(broker_->command_endpoint());
  ASSERT_EQ(c.Issue("KIA").error().code(), v1::OK);  // A-001 waits
  const std::string before = Version();
  WriteFile(config_, WithoutService(sample_, "KIA"));
  const CommandResult refused = Ctl("catalog reload");
  EXPECT_EQ(refused.exit_code, 1) << refused.out;
  EXPECT_NE(refused.out.find("service KIA still has 1 open tickets"), std::string::npos)
      << refused.out;
  EXPECT_NE(refused.out.find("retired = true"), std::string::npos) << "says the fix";
  EXPECT_EQ(Version(), before) << "the catalog in force stays";
  // Nor does a restart adopt it silently.
  ASSERT_EQ(broker_->Stop(), 0);
  EXPECT_EQ(broker_->RunToExit(), 2);
  EXPECT_NE(broker_->StderrText().find("service KIA still has 1 open tickets"), std::string::npos)
      << broker_->StderrText();
  // Marked retired instead: closed for new tickets, its waiting ticket still called.
  std::string retired = sample_;
  retired.insert(retired.find("code = \"KIA\"\n") + 13, "retired = true\n");
  WriteFile(config_, retired);
  ASSERT_TRUE(broker_->StartOnSamePorts()) << broker_->StderrText();
  TestClient after(broker_->command_endpoint());
  EXPECT_NE(Version(), before);
  const v1::Reply issue = after.Issue("KIA");
  EXPECT_EQ(issue.error().code(), v1::SERVICE_CLOSED);
  EXPECT_NE(issue.error().message_en().find("no longer offered"), std::string::npos);
  after.SignIn(3, "ani");  // counter 3 serves KTP-CETAK and KIA
  EXPECT_EQ(after.CallNext(3).ticket().number(), "A-001");
}

TEST_F(CatalogChange, ADisplayThatStaysUpShowsAndVoicesACallAtANewCounter) {
  Xvfb xvfb;
  ASSERT_TRUE(xvfb.Start());
  const std::string model = dir_.File("model.json");
  ChildProcess display;
  ASSERT_TRUE(display.Start(
      {MPP_DISPLAY_BIN, "--broker", broker_->command_endpoint(), "--zone", "A", "--size",
       "1280x720", "--audio-out", dir_.File("calls.wav"), "--dump-model", model},
      {"DISPLAY=" + xvfb.display()}, dir_.File("display.log")));
  auto read = [&] {
    std::ifstream in(model);
    try {
      return in ? json::parse(in) : json::object();
    } catch (...) {
      return json::object();
    }
  };
  ASSERT_TRUE(WaitFor([&] { return read().value("connected", false); }, 20000));
  TestClient c(broker_->command_endpoint());
  c.Issue("KTP-REKAM");
  // The administrator adds counter 22 and tells the broker (SIGHUP): no restart.
  WriteFile(config_, WithCounter22(sample_));
  broker_->Signal(SIGHUP);
  ASSERT_TRUE(WaitFor([&] { return c.Snapshot("A").snapshot().counters_size() == 9; }, 10000))
      << "zone A has 8 counters, then 9\n"
      << broker_->StderrText();
  c.SignIn(22, "ani");
  ASSERT_EQ(c.CallNext(22).error().code(), v1::OK);
  ASSERT_TRUE(WaitFor(
      [&] {
        const json j = read();
        return j["now_calling"].is_object() && j["now_calling"]["number"] == "A-001" &&
               j.value("spoken", 0) == 1;
      },
      10000))
      << "the display never showed or voiced the call at the new counter: " << read().dump();
  EXPECT_NE(read().dump().find("Loket 22"), std::string::npos) << read().dump();
  EXPECT_EQ(display.Stop(5000), 0);
}

TEST_F(CatalogChange, AReportKeepsTheAgencyOfARemovedService) {
  {
    TestClient c(broker_->command_endpoint());
    c.Issue("KIA");
    c.SignIn(3, "ani");  // counter 3 serves KTP-CETAK and KIA
    c.CallNext(3);
    c.StartServing(3);
    c.Finish(3);
    v1::Request out;
    out.mutable_sign_out()->set_counter_id(3);
    c.Must(out);
  }
  WriteFile(config_, WithoutService(sample_, "KIA"));
  const CommandResult applied = Ctl("catalog reload");
  ASSERT_EQ(applied.exit_code, 0) << applied.out;
  EXPECT_NE(applied.out.find("services removed: KIA"), std::string::npos) << applied.out;
  const CommandResult report = Ctl("report --from 2026-11-30 --by agency --format csv");
  ASSERT_EQ(report.exit_code, 0) << report.out;
  EXPECT_NE(report.out.find("DUKCAPIL,"), std::string::npos) << report.out;
  EXPECT_EQ(report.out.find("\n?,"), std::string::npos) << "no agency '?'\n" << report.out;
}

}  // namespace
}  // namespace mpp::testing
