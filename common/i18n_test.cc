#include "common/i18n.h"

#include <gtest/gtest.h>

namespace mpp {
namespace {

Millis At(const char* iso) { return *ParseIsoTime(iso, 0); }

TEST(I18n, LongDateInBothLanguages) {
  const Millis t = At("2026-12-25T08:00:00+07:00");
  EXPECT_EQ(LongDate(t, 420, Lang::kId), "Jumat, 25 Desember 2026");
  EXPECT_EQ(LongDate(t, 420, Lang::kEn), "Friday, 25 December 2026");
  EXPECT_EQ(LongDateTime(t, 420, Lang::kId), "Jumat, 25 Desember 2026 08.00");
}

TEST(I18n, LocalDateIsTheMppsNotUtc) {
  // 23:30 UTC on the 24th is already the 25th at 06:30 in Cilegon (WIB).
  EXPECT_EQ(LongDateTime(At("2026-12-24T23:30:00Z"), 420, Lang::kId),
            "Jumat, 25 Desember 2026 06.30");
}

TEST(I18n, OpeningTextSaysTodayTomorrowOrTheDate) {
  const Millis now = At("2026-11-30T15:10:00+07:00");  // Monday afternoon
  EXPECT_EQ(OpeningText(At("2026-11-30T16:00:00+07:00"), now, 420, Lang::kId), "pukul 16.00");
  EXPECT_EQ(OpeningText(At("2026-12-01T08:00:00+07:00"), now, 420, Lang::kId), "besok pukul 08.00");
  EXPECT_EQ(OpeningText(At("2026-12-01T08:00:00+07:00"), now, 420, Lang::kEn), "tomorrow at 08:00");
  EXPECT_EQ(OpeningText(At("2026-12-03T08:00:00+07:00"), now, 420, Lang::kId),
            "Kamis, 3 Desember 2026 pukul 08.00");
}

// Public signs in Indonesia write times with a dot (08.00, KBBI/PUEBI);
// English keeps the colon.
TEST(I18n, ClockTimesAreWrittenAsOnIndonesianSigns) {
  EXPECT_EQ(ClockText(8 * 60, Lang::kId), "08.00");
  EXPECT_EQ(ClockText(13 * 60 + 5, Lang::kId), "13.05");
  EXPECT_EQ(ClockText(8 * 60, Lang::kEn), "08:00");
}

// How long someone has waited, in words a clock time cannot be mistaken for
// (issue 20: "20:32" read like half past eight).
TEST(I18n, DurationsReadAsDurationsNotAsClockTimes) {
  EXPECT_EQ(DurationText(45'000, Lang::kId), "45 dtk");
  EXPECT_EQ(DurationText(20 * 60'000 + 32'000, Lang::kId), "20 mnt 32 dtk");
  EXPECT_EQ(DurationText(20 * 60'000, Lang::kId), "20 mnt");
  EXPECT_EQ(DurationText(91 * 60'000 + 28'000, Lang::kId), "1 jam 31 mnt");
  EXPECT_EQ(DurationText(120 * 60'000, Lang::kId), "2 jam");
  EXPECT_EQ(DurationText(20 * 60'000 + 32'000, Lang::kEn), "20 min 32 s");
  EXPECT_EQ(DurationText(91 * 60'000, Lang::kEn), "1 h 31 min");
  EXPECT_EQ(DurationText(-5, Lang::kEn), "0 s");
  // In a list: whole minutes.
  EXPECT_EQ(DurationText(30 * 60'000 + 26'000, Lang::kId, false), "30 mnt");
  EXPECT_EQ(DurationText(20'000, Lang::kId, false), "< 1 mnt");
  EXPECT_EQ(DurationText(91 * 60'000 + 28'000, Lang::kId, false), "1 jam 31 mnt");
}

TEST(I18n, WaitTextRoundsToFiveMinutes) {
  EXPECT_EQ(WaitText(0, Lang::kId), "kurang dari 5 menit");
  EXPECT_EQ(WaitText(4 * 60'000, Lang::kId), "kurang dari 5 menit");
  EXPECT_EQ(WaitText(23 * 60'000, Lang::kId), "sekitar 25 menit");
  EXPECT_EQ(WaitText(22 * 60'000, Lang::kId), "sekitar 20 menit");
  EXPECT_EQ(WaitText(60 * 60'000, Lang::kId), "sekitar 1 jam");
  EXPECT_EQ(WaitText(71 * 60'000, Lang::kId), "sekitar 1 jam 10 menit");
  EXPECT_EQ(WaitText(71 * 60'000, Lang::kEn), "about 1 h 10 min");
}

TEST(I18n, ParseLangAcceptsOnlyIdAndEn) {
  Lang l = Lang::kId;
  EXPECT_TRUE(ParseLang("en", &l));
  EXPECT_EQ(l, Lang::kEn);
  EXPECT_TRUE(ParseLang("id", &l));
  EXPECT_EQ(l, Lang::kId);
  EXPECT_FALSE(ParseLang("jv", &l));
}

}  // namespace
}  // namespace mpp
