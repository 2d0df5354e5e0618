#include "common/catalog.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <regex>
#include <set>

#include "testing/test_catalog.h"

namespace mpp {
namespace {

std::string SamplePath() { return std::string(MPP_SOURCE_DIR) + "/config/mpp-cilegon.toml"; }

// The sample catalog's schedule rules (config/mpp-cilegon.toml).
class SampleCatalogIndex : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = LoadCatalogFile(SamplePath());
    ASSERT_TRUE(c.ok()) << c.status().message();
    idx_ = std::make_unique<CatalogIndex>(std::move(c).value());
  }
  std::unique_ptr<CatalogIndex> idx_;
};

TEST(Catalog, SampleCilegonLoadsAndIsRealistic) {
  auto c = LoadCatalogFile(SamplePath());
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->timezone(), "Asia/Jakarta");
  EXPECT_EQ(c->utc_offset_min(), 420);
  EXPECT_GE(c->agencies_size(), 9);
  EXPECT_GE(c->services_size(), 24);
  EXPECT_GE(c->counters_size(), 20);
  EXPECT_EQ(c->zones_size(), 3);
  for (const auto& s : c->services()) {
    SCOPED_TRACE(s.code());
    const auto& st = s.standard();
    EXPECT_FALSE(st.requirements().empty());
    EXPECT_FALSE(st.procedure().empty());
    EXPECT_FALSE(st.time_standard().empty());
    EXPECT_FALSE(st.fee().empty());
    EXPECT_FALSE(st.product().empty());
    EXPECT_FALSE(st.complaint().empty());
    EXPECT_GT(s.wait_target_min(), 0);
    EXPECT_GT(s.service_std_min(), 0);
    EXPECT_FALSE(s.schedule().empty());
  }
  bool friday_prayer = false;
  for (const auto& b : c->breaks()) friday_prayer |= b.weekday() == 5;
  EXPECT_TRUE(friday_prayer);
  EXPECT_FALSE(c->holidays().empty());
}

TEST_F(SampleCatalogIndex, HolidaysAreFoundByDateAndByLocalTime) {
  const CatalogIndex& idx = *idx_;
  const v1::Holiday* h = idx.HolidayOn("2026-12-25");
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->date(), "2026-12-25");
  EXPECT_EQ(idx.HolidayOn("2026-12-26"), nullptr);
  EXPECT_EQ(idx.HolidayOn("not a date"), nullptr);
  // Christmas ends at 17:00 UTC in Cilegon (UTC+7): the 26th is a working day.
  const Millis boxing_day_wib = *ParseIsoTime("2026-12-25T17:00:00Z", 0);
  const v1::Service* s = idx.FindService("HAJI");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(idx.ServiceAvailability(*s, boxing_day_wib - 1).code, v1::MPP_HOLIDAY);
  EXPECT_NE(idx.ServiceAvailability(*s, boxing_day_wib).code, v1::MPP_HOLIDAY);
}

TEST_F(SampleCatalogIndex, TheNextWorkingDaySkipsClosedDaysAndHolidays) {
  const CatalogIndex& idx = *idx_;
  // Monday stays; Sunday 2026-11-29 -> Monday.
  EXPECT_EQ(idx.NextWorkingDay("2026-11-30", false), "2026-11-30");
  EXPECT_EQ(idx.NextWorkingDay("2026-11-29", false), "2026-11-30");
  // Saturday opens 08:00-12:00: a working day, but not a full one.
  EXPECT_EQ(idx.NextWorkingDay("2026-12-05", false), "2026-12-05");
  EXPECT_EQ(idx.NextWorkingDay("2026-12-05", true), "2026-12-07");
  // Thu 24 and Fri 25 December are holidays, Sunday is closed: Saturday 26th,
  // or for a full day Monday 28th.
  EXPECT_EQ(idx.NextWorkingDay("2026-12-24", false), "2026-12-26");
  EXPECT_EQ(idx.NextWorkingDay("2026-12-24", true), "2026-12-28");
  // New Year's Day is a Friday holiday.
  EXPECT_EQ(idx.NextWorkingDay("2027-01-01", true), "2027-01-04");
  EXPECT_EQ(idx.NextWorkingDay("not a date", false), std::nullopt);
}

TEST_F(SampleCatalogIndex, SharedBoothDaysComeFromTheFile) {
  const CatalogIndex& idx = *idx_;
  const v1::Service* haji = idx.FindService("HAJI");
  ASSERT_NE(haji, nullptr);
  EXPECT_FALSE(idx.WindowOn(*haji, 1));  // Monday: no
  EXPECT_TRUE(idx.WindowOn(*haji, 2));   // Tuesday
  EXPECT_TRUE(idx.WindowOn(*haji, 4));   // Thursday
}

TEST_F(SampleCatalogIndex, AServiceNeverIssuesWhileTheMppIsClosed) {
  const CatalogIndex& idx = *idx_;
  const v1::Service* ktp = idx.FindService("KTP-REKAM");  // hours 08:00-15:00, Mon-Sat
  ASSERT_NE(ktp, nullptr);
  EXPECT_EQ(idx.WindowOn(*ktp, 1)->end().minutes(), 15 * 60);  // Monday: its own hours
  EXPECT_EQ(idx.WindowOn(*ktp, 6)->end().minutes(), 12 * 60);  // Saturday: MPP closes at 12
  const Availability a =
      idx.ServiceAvailability(*ktp, *ParseIsoTime("2026-12-05T12:30:00+07:00", 0));
  EXPECT_EQ(a.code, v1::SERVICE_CLOSED);
  EXPECT_EQ(a.next_open_ms, *ParseIsoTime("2026-12-07T08:00:00+07:00", 0));
}

// Replaces the first occurrence of `from` in the test catalog.
std::string Edit(const std::string& from, const std::string& to) {
  std::string s = testing::kTestCatalog;
  const auto pos = s.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  return s.replace(pos, from.size(), to);
}

void ExpectRefused(const std::string& text, const std::string& needle) {
  auto c = ParseCatalog(text, "bad.toml");
  ASSERT_FALSE(c.ok()) << "accepted a catalog that should fail with: " << needle;
  const std::string& m = c.status().message();
  EXPECT_NE(m.find(needle), std::string::npos) << m;
  // Every problem names the file and a line.
  EXPECT_TRUE(std::regex_search(m, std::regex("^bad\\.toml:[0-9]+(:[0-9]+)?: "))) << m;
}

TEST(Catalog, TestCatalogIsValid) {
  auto c = ParseCatalog(testing::kTestCatalog, "test.toml");
  ASSERT_TRUE(c.ok()) << c.status().message();
}

TEST(Catalog, RefusesBadFilesWithFileLineAndReason) {
  ExpectRefused(Edit("daily_quota = 2", "daily_qouta = 2"), "unknown key 'daily_qouta'");
  ExpectRefused(Edit("wait_target_min = 20\n", ""), "missing required key 'wait_target_min'");
  ExpectRefused(Edit("hours = \"08:00-15:00\"", "hours = \"15:00-08:00\""), "HH:MM-HH:MM");
  ExpectRefused(Edit("agency = \"POL\"", "agency = \"POLISI\""), "agency 'POLISI' is not defined");
  ExpectRefused(Edit("code = \"S2\"", "code = \"S1\""), "code is used twice");
  ExpectRefused(Edit("services = [\"S4\"]", "services = [\"S1\"]"), "served by no [[counter]]");
  ExpectRefused(Edit("services = [\"S4\"]", "services = [\"S4\", \"S9\"]"),
                "service 'S9' is not defined");
  ExpectRefused(Edit("timezone = \"Asia/Jakarta\"", "timezone = \"Mars/Olympus\""),
                "unknown timezone");
  ExpectRefused(Edit("date = \"2026-12-25\"", "date = \"25-12-2026\""), "is not a date");
  ExpectRefused(Edit("days = [\"tue\"]", "days = [\"selasa\"]"), "not a weekday");
  ExpectRefused(Edit("daily_quota = 2", "daily_quota = -2"), "must be between");
  ExpectRefused(Edit("daily_quota = 2", "daily_quota = \"dua\""), "must be a whole number");
  ExpectRefused(Edit("prefix = \"K\"", "prefix = \"k-1\""), "prefix 'k-1'");
  ExpectRefused(Edit("zone = \"B\"\nagency = \"POL\"", "zone = \"Q\"\nagency = \"POL\""),
                "zone 'Q' is not defined");
  ExpectRefused(Edit("time_standard = \"15 menit\"\n", ""), "'time_standard'");
  ExpectRefused(Edit("id = \"A\"\nname = \"Zona A\"", "id = \"A;B\"\nname = \"Zona A\""),
                "id may use letters, digits");
  ExpectRefused(Edit("[mpp.hours]", "[mpp.hours]\nsun = \"soon\""), "HH:MM-HH:MM");
  ExpectRefused(Edit("hours = \"08:00-15:00\"", "hours = \"16:30-18:00\""),
                "hours 16:30-18:00 lie outside the MPP's hours on mon");
  // Appointments: a table, with its required keys in range and no stray ones.
  const std::string appt = "complaint = \"Meja pengaduan\"\n[service.appointments]\n";
  ExpectRefused(Edit("complaint = \"Meja pengaduan\"\n", appt + "per_slot = 2\n"),
                "missing required key 'slot_min'");
  ExpectRefused(Edit("complaint = \"Meja pengaduan\"\n", appt + "slot_min = 2\nper_slot = 1\n"),
                "'slot_min' is 2, it must be between 5 and 240");
  ExpectRefused(
      Edit("complaint = \"Meja pengaduan\"\n", appt + "slot_min = 15\nper_slot = 1\nwalkin = 5\n"),
      "unknown key 'walkin'");
  ExpectRefused(Edit("digits = 3", "digits = 3\nappointments = 15"),
                "'appointments' must be a table");
}

TEST_F(SampleCatalogIndex, AppointmentSlotsKeepClearOfBreaksAndHolidays) {
  const v1::Service* ktp = idx_->FindService("KTP-REKAM");  // 15-minute slots, 08:00-15:00
  ASSERT_NE(ktp, nullptr);
  const std::vector<int> monday = idx_->AppointmentSlots(*ktp, "2026-11-30");
  ASSERT_FALSE(monday.empty());
  EXPECT_EQ(monday.front(), 8 * 60);
  EXPECT_EQ(monday.back(), 14 * 60 + 45);
  EXPECT_EQ(monday.size(), 28u - 4u) << "the 12:00-13:00 break takes four slots";
  EXPECT_TRUE(idx_->AppointmentSlots(*ktp, "2026-12-25").empty()) << "a holiday";
  EXPECT_TRUE(idx_->AppointmentSlots(*ktp, "2026-12-06").empty()) << "a Sunday";
  EXPECT_TRUE(idx_->AppointmentSlots(*ktp, "6 Desember").empty());
  EXPECT_TRUE(idx_->AppointmentSlots(*idx_->FindService("KK"), "2026-11-30").empty());
  EXPECT_EQ(idx_->BookableOn(*ktp), 50) << "quota 100, half kept for walk-ins";
}

TEST(Catalog, RefusesHostileOrCarelessFilesInsteadOfCrashingOrGuessing) {
  // Two agencies and a service without a prefix used to crash every program
  // that read the file (a null node dereferenced).
  std::string no_prefixes = Edit("prefix = \"K\"\n", "");
  no_prefixes.erase(no_prefixes.find("prefix = \"B\"\n"), 13);
  ExpectRefused(no_prefixes, "missing required key 'prefix'");
  ExpectRefused(Edit("name = \"MPP Uji\"", "name = \"MPP\\u0000Uji\""), "control character");
  const std::string ticker = testing::kTestCatalog;
  const size_t at = ticker.find("ticker = \"");
  ExpectRefused(Edit(ticker.substr(at, ticker.find('\n', at) - at),
                     "ticker = \"" + std::string(501, 'x') + "\""),
                "ticker is 501 bytes; at most 500");
  ExpectRefused(Edit("days = [\"tue\"]", "days = []"), "days is empty");
  ExpectRefused(Edit("[mpp.hours]",
                     "[[mpp.breaks]]\ndays = [\"mon\"]\ntime = \"12:00-13:00\"\n\n"
                     "[[mpp.breaks]]\ndays = [\"mon\", \"tue\"]\ntime = \"12:30-13:30\"\n\n"
                     "[mpp.hours]"),
                "overlaps another break on mon");
}

TEST(Catalog, AFileTooLargeToBeACatalogIsRefusedBeforeParsing) {
  const std::string path = ::testing::TempDir() + "/huge-catalog.toml";
  {
    std::ofstream out(path, std::ios::binary);
    out << std::string(static_cast<size_t>(kMaxCatalogBytes) + 1, '#');
  }
  auto c = LoadCatalogFile(path);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("at most 1048576 bytes"), std::string::npos)
      << c.status().message();
  std::remove(path.c_str());
}

TEST(Catalog, SyntaxErrorsNameTheLine) {
  auto c = ParseCatalog(Edit("name = \"MPP Uji\"", "name = \"MPP Uji"), "bad.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("bad.toml:3:"), std::string::npos) << c.status().message();
}

TEST(Catalog, MissingFileSaysWhatToCheck) {
  auto c = LoadCatalogFile("/nonexistent/mpp.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("--config"), std::string::npos);
}

}  // namespace
}  // namespace mpp
