#include "display/phrase.h"

#include <gtest/gtest.h>

namespace mpp::display {
namespace {

struct Case {
  const char* number;
  const char* counter;
  bool recall;
  Lang lang;
  const char* want;
};

TEST(Phrase, TableOfCalls) {
  const Case cases[] = {
      {"A-007", "loket tiga", false, Lang::kId,
       "Nomor antrean A, nol, nol, tujuh. Silakan menuju loket tiga."},
      {"A-007", "loket tiga", true, Lang::kId,
       "Panggilan ulang. Nomor antrean A, nol, nol, tujuh. Silakan menuju loket tiga."},
      {"B-014", "loket tujuh, Polres", false, Lang::kId,
       "Nomor antrean be, nol, satu, empat. Silakan menuju loket tujuh, Polres."},
      {"SKCK-003", "loket delapan", false, Lang::kId,
       "Nomor antrean es, ka, ce, ka, nol, nol, tiga. Silakan menuju loket delapan."},
      {"4K-10", "loket dua", false, Lang::kId,
       "Nomor antrean empat, ka, satu, nol. Silakan menuju loket dua."},
      {"A-1000", "loket satu", false, Lang::kId,
       "Nomor antrean A, satu, nol, nol, nol. Silakan menuju loket satu."},
      {"D-089", "loket sebelas, Imigrasi", false, Lang::kId,
       "Nomor antrean de, nol, delapan, sembilan. Silakan menuju loket sebelas, Imigrasi."},
      {"G-056", "loket enam belas", false, Lang::kId,
       "Nomor antrean ge, nol, lima, enam. Silakan menuju loket enam belas."},
      {"A-007", "counter 3", false, Lang::kEn,
       "Ticket number A, zero, zero, seven. Please go to counter 3."},
      {"B-014", "counter 7", true, Lang::kEn,
       "Second call. Ticket number B, zero, one, four. Please go to counter 7."},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(CallPhrase(c.number, c.counter, c.recall, c.lang), c.want) << c.number;
  }
}

TEST(Phrase, TheBriefFormIsTheNumberAndTheCounter) {
  EXPECT_EQ(BriefCallPhrase("A-007", "loket tiga, Disdukcapil", false, Lang::kId),
            "A, nol, nol, tujuh, loket tiga.");
  EXPECT_EQ(BriefCallPhrase("B-014", "loket tujuh", true, Lang::kId),
            "Ulang. be, nol, satu, empat, loket tujuh.");
  EXPECT_EQ(BriefCallPhrase("A-007", "counter 3", false, Lang::kEn),
            "A, zero, zero, seven, counter 3.");
}

TEST(Phrase, EveryLetterHasAnIndonesianName) {
  EXPECT_EQ(SpokenTicketNumber("QXZ-9", Lang::kId), "ki, eks, zet, sembilan");
  EXPECT_EQ(SpokenTicketNumber("hjl", Lang::kId), "ha, je, el");  // lower case is read too
  EXPECT_EQ(SpokenTicketNumber("", Lang::kId), "");
}

}  // namespace
}  // namespace mpp::display
