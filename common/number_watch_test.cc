#include "common/number_watch.h"

#include <gtest/gtest.h>

namespace mpp {
namespace {

v1::Ticket T(const std::string& day, const std::string& prefix, int n) {
  v1::Ticket t;
  t.set_business_day(day);
  t.set_prefix(prefix);
  t.set_seq_no(n);
  return t;
}

v1::Snapshot Snap(const std::string& day, std::map<std::string, int> last) {
  v1::Snapshot s;
  s.set_business_day(day);
  for (const auto& [prefix, n] : last) {
    v1::PrefixNumber* p = s.add_last_numbers();
    p->set_prefix(prefix);
    p->set_last(n);
  }
  return s;
}

TEST(NumberWatch, ABrokerThatIssuedAtLeastWhatWasSeenIsNotReported) {
  NumberWatch w;
  w.See(T("2026-11-30", "A", 5));
  EXPECT_FALSE(w.Check(Snap("2026-11-30", {{"A", 5}})));
  EXPECT_FALSE(w.Check(Snap("2026-11-30", {{"A", 9}, {"B", 2}})));
}

TEST(NumberWatch, ABrokerBehindWhatWasSeenIsToldOnce) {
  NumberWatch w;
  w.See(T("2026-11-30", "A", 300));
  w.See(T("2026-11-30", "B", 40));
  w.See(T("2026-11-30", "A", 120));
  auto r = w.Check(Snap("2026-11-30", {{"A", 38}, {"B", 40}}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->report_numbers().business_day(), "2026-11-30");
  ASSERT_EQ(r->report_numbers().numbers_size(), 1);
  EXPECT_EQ(r->report_numbers().numbers(0).prefix(), "A");
  EXPECT_EQ(r->report_numbers().numbers(0).last(), 300);
  EXPECT_FALSE(w.Check(Snap("2026-11-30", {{"A", 38}, {"B", 40}}))) << "not again";
  w.See(T("2026-11-30", "A", 301));
  EXPECT_TRUE(w.Check(Snap("2026-11-30", {{"A", 38}}))) << "a higher number is news";
}

TEST(NumberWatch, APrefixTheBrokerHasNoNumberForIsReported) {
  NumberWatch w;
  w.See(T("2026-11-30", "SKCK", 3));
  auto r = w.Check(Snap("2026-11-30", {}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->report_numbers().numbers(0).prefix(), "SKCK");
}

TEST(NumberWatch, OtherDaysSayNothingAboutToday) {
  NumberWatch w;
  w.See(T("2026-11-30", "A", 300));
  EXPECT_FALSE(w.Check(Snap("2026-12-01", {}))) << "a new day numbers from 1";
  w.See(T("2026-11-30", "A", 500));  // yesterday's ticket
  EXPECT_FALSE(w.Check(Snap("2026-12-01", {})));
  EXPECT_FALSE(w.Check(Snap("2026-11-30", {}))) << "a broker a day behind is not a restore";
}

TEST(NumberWatch, TicketsInTheSnapshotCountAsSeen) {
  NumberWatch w;
  v1::Snapshot s = Snap("2026-11-30", {{"A", 2}});
  *s.add_tickets() = T("2026-11-30", "A", 7);  // cannot happen, but is not trusted away
  EXPECT_TRUE(w.Check(s));
}

}  // namespace
}  // namespace mpp
