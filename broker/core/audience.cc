#include "broker/core/audience.h"

namespace mpp::core {

Audience AudienceOf(v1::DeviceRole role) {  // ROLE_WEB: the public
  switch (role) {
    case v1::ROLE_ADMIN:
      return Audience::kAdmin;
    case v1::ROLE_COUNTER:
    case v1::ROLE_MANAGER:
      return Audience::kStaff;
    default:
      return Audience::kPublic;
  }
}

namespace {

void RedactCounter(v1::Counter* c) { c->clear_operator_id(); }

}  // namespace

void RedactTicket(v1::Ticket* t, Audience a) {
  t->clear_token();
  if (a != Audience::kPublic) return;
  t->clear_source_id();
  t->clear_priority_granted_by();
  t->clear_print_error();
  t->clear_operator_id();
}

bool SameForAll(const v1::Event& e) {
  switch (e.type()) {
    case v1::TICKER_CHANGED:
    case v1::DAY_CHANGED:
    case v1::NUMBERS_RAISED:
    case v1::CATALOG_CHANGED:
      return true;
    default:
      return false;  // tickets and counters go by zone too (Zoned)
  }
}

v1::Event ForAudience(const v1::Event& e, Audience a) {
  if (a == Audience::kAdmin) {
    v1::Event out = e;
    if (out.has_ticket()) RedactTicket(out.mutable_ticket(), a);
    return out;
  }
  v1::Event out;
  out.set_type(e.type());
  switch (e.type()) {
    case v1::DEVICE_CHANGED:
    case v1::SECURITY_NOTICE:
      return out;  // administrators only
    case v1::OPERATOR_CHANGED:
      if (a == Audience::kPublic) return out;
      *out.mutable_operator_info() = e.operator_info();
      out.mutable_operator_info()->clear_pin_hash();
      out.mutable_operator_info()->clear_failures();
      out.mutable_operator_info()->clear_locked_until_ms();
      return out;
    default:
      break;
  }
  out = e;
  if (out.has_ticket()) RedactTicket(out.mutable_ticket(), a);
  if (out.has_booking()) {  // the code is the booking's key; who booked stays in the MPP
    out.mutable_booking()->clear_code();
    out.mutable_booking()->clear_name();
    out.mutable_booking()->clear_phone();
    out.mutable_booking()->clear_source_id();
  }
  if (a == Audience::kPublic) {
    if (out.has_counter()) RedactCounter(out.mutable_counter());
    out.clear_rating();  // who rated what is staff's
  }
  return out;
}

void RedactSnapshot(v1::Snapshot* s, Audience a) {
  for (auto& t : *s->mutable_tickets()) RedactTicket(&t, a);
  for (auto& t : *s->mutable_recent_calls()) RedactTicket(&t, a);
  if (a != Audience::kPublic) return;
  for (auto& c : *s->mutable_counters()) RedactCounter(&c);
}

std::string EventTopic(std::string_view audiences) {
  std::string topic = "mpp.event.";
  topic += audiences;
  topic += ';';
  return topic;
}

std::string ZoneTopic(std::string_view zone) {
  std::string topic = "mpp.event.0@";
  topic += zone;
  topic += ';';
  return topic;
}

std::vector<std::string> EventTopicsFor(Audience a, const std::vector<std::string>& zones) {
  const char mine = static_cast<char>('0' + static_cast<int>(a));
  std::vector<std::string> out;
  for (const char* group : {"012", "01", "02", "12", "0", "1", "2"}) {
    if (std::string_view(group).find(mine) != std::string_view::npos) {
      out.push_back(EventTopic(group));
    }
  }
  if (a == Audience::kPublic) {
    if (zones.empty()) {
      out.push_back(ZoneTopic("*"));
    } else {
      for (const auto& z : zones) out.push_back(ZoneTopic(z));
      out.emplace_back(kZoneStubTopic);
    }
  }
  return out;
}

bool Zoned(const v1::Event& e) { return e.has_ticket() || e.has_counter(); }

std::vector<std::string> ZonesOf(const v1::Event& e, const CatalogIndex& catalog) {
  std::vector<std::string> out;
  for (const auto& zone : catalog.catalog().zones()) {
    bool in = false;
    if (e.has_counter()) {
      const v1::CounterDef* def = catalog.FindCounter(e.counter().id());
      in = def && def->zone() == zone.id();
    }
    if (!in && e.has_ticket()) in = catalog.ServiceInZone(e.ticket().service(), zone.id());
    if (in) out.push_back(zone.id());
  }
  return out;
}

}  // namespace mpp::core
