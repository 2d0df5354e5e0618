#include "broker/core/authorize.h"

#include <gtest/gtest.h>

#include "testing/test_catalog.h"

namespace mpp::core {
namespace {

v1::Device Dev(v1::DeviceRole role, const std::vector<int>& counters = {}) {
  v1::Device d;
  d.set_name("dev");
  d.set_role(role);
  for (int c : counters) d.add_counter_ids(c);
  return d;
}

v1::Request Req(const std::string& text) {
  v1::Request r;
  if (text == "issue") r.mutable_issue()->set_service("KTP-REKAM");
  if (text == "snapshot") r.mutable_snapshot();
  if (text == "report") r.mutable_report();
  if (text == "ticker") r.mutable_set_ticker();
  if (text == "operator") r.mutable_set_operator();
  if (text == "device") r.mutable_set_device();
  if (text == "cancel") r.mutable_cancel();
  if (text == "release") r.mutable_release_device()->set_device("loket-1");
  if (text == "hello") r.mutable_hello();
  if (text == "ticket_status") r.mutable_ticket_status()->add_tokens("x");
  if (text == "list_slots") r.mutable_list_slots()->set_service("KTP-REKAM");
  if (text == "book") r.mutable_book()->set_service("KTP-REKAM");
  if (text == "get_booking") r.mutable_get_booking()->set_code("x");
  if (text == "cancel_booking") r.mutable_cancel_booking()->set_code("x");
  if (text == "check_in") r.mutable_check_in()->set_code("x");
  if (text.rfind("call:", 0) == 0) r.mutable_call_next()->set_counter_id(std::stoi(text.substr(5)));
  if (text.rfind("rate:", 0) == 0) r.mutable_rate()->set_counter_id(std::stoi(text.substr(5)));
  return r;
}

TEST(Authorize, RolesAndCounterScope) {
  const CatalogIndex catalog(ParseCatalog(testing::kTestCatalog, "test.toml").value());
  QueueCore core(&catalog);
  struct Case {
    v1::Device device;
    const char* request;
    bool allowed;
  } cases[] = {
      {Dev(v1::ROLE_DISPLAY), "snapshot", true},
      {Dev(v1::ROLE_DISPLAY), "issue", false},
      {Dev(v1::ROLE_DISPLAY), "ticker", false},
      {Dev(v1::ROLE_KIOSK), "issue", true},
      {Dev(v1::ROLE_KIOSK), "cancel", true},
      {Dev(v1::ROLE_KIOSK), "call:1", false},
      {Dev(v1::ROLE_COUNTER, {3}), "call:3", true},
      {Dev(v1::ROLE_COUNTER, {3}), "call:4", false},
      {Dev(v1::ROLE_COUNTER, {3, 4}), "call:4", true},
      {Dev(v1::ROLE_COUNTER, {3}), "rate:3", true},
      {Dev(v1::ROLE_COUNTER, {3}), "rate:1", false},
      {Dev(v1::ROLE_COUNTER, {3}), "issue", false},
      {Dev(v1::ROLE_MANAGER), "report", true},
      {Dev(v1::ROLE_MANAGER), "ticker", true},
      {Dev(v1::ROLE_MANAGER), "operator", false},
      {Dev(v1::ROLE_MANAGER), "device", false},
      {Dev(v1::ROLE_ADMIN), "device", true},
      {Dev(v1::ROLE_WEB), "ticket_status", true},
      {Dev(v1::ROLE_WEB), "snapshot", true},
      {Dev(v1::ROLE_WEB), "hello", true},
      {Dev(v1::ROLE_WEB), "issue", false},
      {Dev(v1::ROLE_WEB), "call:1", false},
      {Dev(v1::ROLE_WEB), "report", false},
      {Dev(v1::ROLE_WEB), "ticker", false},
      {Dev(v1::ROLE_KIOSK), "ticket_status", false},
      // Appointments: the web books, looks up and cancels; a kiosk checks
      // in; everyone may list the free slots; nobody else touches bookings.
      {Dev(v1::ROLE_WEB), "book", true},
      {Dev(v1::ROLE_WEB), "get_booking", true},
      {Dev(v1::ROLE_WEB), "cancel_booking", true},
      {Dev(v1::ROLE_WEB), "check_in", false},
      {Dev(v1::ROLE_KIOSK), "check_in", true},
      {Dev(v1::ROLE_KIOSK), "book", false},
      {Dev(v1::ROLE_KIOSK), "cancel_booking", false},
      {Dev(v1::ROLE_DISPLAY), "list_slots", true},
      {Dev(v1::ROLE_DISPLAY), "get_booking", false},
      {Dev(v1::ROLE_COUNTER, {3}), "book", false},
      {Dev(v1::ROLE_MANAGER), "check_in", false},
      {Dev(v1::ROLE_DISPLAY), "ticket_status", false},
      {Dev(v1::ROLE_ADMIN), "release", true},
      {Dev(v1::ROLE_MANAGER), "release", false},
      {Dev(v1::ROLE_COUNTER, {3}), "release", false},
      {Dev(v1::ROLE_KIOSK), "release", false},
      {Dev(v1::ROLE_DISPLAY), "hello", true},
      {Dev(v1::ROLE_KIOSK), "hello", true},
      {Dev(v1::ROLE_ADMIN), "call:2", true},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(!Authorize(c.device, Req(c.request), core).has_value(), c.allowed)
        << RoleName(c.device.role()) << " " << c.request;
  }
  // A display bound to zone A reads zone A only; an unbound one reads any.
  v1::Device zoned = Dev(v1::ROLE_DISPLAY);
  zoned.add_zones("A");
  v1::Request snap;
  snap.mutable_snapshot()->set_zone("A");
  EXPECT_FALSE(Authorize(zoned, snap, core).has_value());
  EXPECT_FALSE(Authorize(Dev(v1::ROLE_DISPLAY), snap, core).has_value());
  snap.mutable_snapshot()->set_zone("B");
  const auto other = Authorize(zoned, snap, core);
  ASSERT_TRUE(other.has_value());
  EXPECT_NE(other->message_en.find("bound to zone(s) A but asked for zone B"), std::string::npos)
      << other->message_en;
  EXPECT_TRUE(Authorize(zoned, Req("snapshot"), core).has_value()) << "the whole hall";
  EXPECT_FALSE(Authorize(Dev(v1::ROLE_DISPLAY), Req("snapshot"), core).has_value());
  v1::Device revoked = Dev(v1::ROLE_ADMIN);
  revoked.set_revoked(true);
  EXPECT_TRUE(Authorize(revoked, Req("snapshot"), core).has_value());
  v1::DeviceRole role;
  EXPECT_TRUE(ParseRole("counter", &role));
  EXPECT_EQ(role, v1::ROLE_COUNTER);
  EXPECT_FALSE(ParseRole("root", &role));
}

}  // namespace
}  // namespace mpp::core
