#include "broker/core/catalog_change.h"

#include <map>

#include "broker/core/digest.h"
#include "broker/core/queue_core.h"

namespace mpp::core {
namespace {

bool SameStandard(const v1::Service& a, const v1::Service& b) {
  return a.wait_target_min() == b.wait_target_min() && a.service_std_min() == b.service_std_min() &&
         a.standard().SerializeAsString() == b.standard().SerializeAsString();
}

}  // namespace

std::string CatalogVersion(const v1::Catalog& catalog) {
  v1::Catalog c = catalog;
  c.clear_version();
  return HexDigest(c, 8);
}

v1::Catalog Versioned(v1::Catalog catalog) {
  catalog.set_version(CatalogVersion(catalog));
  return catalog;
}

v1::CatalogChange DiffCatalogs(const CatalogIndex& current, const CatalogIndex& next,
                               const QueueCore& core) {
  v1::CatalogChange ch;
  ch.set_version(next.catalog().version());
  ch.set_previous_version(current.catalog().version());
  const std::map<std::string, int> open = core.OpenTicketsByService();
  int open_total = 0;
  for (const auto& [svc, n] : open) open_total += n;
  auto open_of = [&](const std::string& code) {
    auto it = open.find(code);
    return it == open.end() ? 0 : it->second;
  };
  int affected = 0;
  for (const auto& s : current.catalog().services()) {
    const v1::Service* n = next.FindService(s.code());
    if (!n) {
      ch.add_services_removed(s.code());
      if (const int k = open_of(s.code())) {
        ch.add_problems("service " + s.code() + " still has " + std::to_string(k) +
                        " open tickets today (waiting, held, called or being served): keep it in "
                        "the file with `retired = true` until they are served, or transfer them "
                        "first; its history stays in the reports either way");
      }
      if (const int k = core.OpenBookingsOf(s.code())) {
        ch.add_problems("service " + s.code() + " has " + std::to_string(k) +
                        " bookings not yet checked in (today or later): keep it in the file "
                        "until their days have passed (remove its [service.appointments] to take "
                        "no new ones), so that their visitors still get a number");
      }
      continue;
    }
    if (n->retired() && !s.retired()) {
      ch.add_services_retired(s.code());
      affected += open_of(s.code());
    } else if (!SameStandard(s, *n)) {
      ch.add_standards_changed(s.code());
      affected += open_of(s.code());
    }
  }
  for (const auto& s : next.catalog().services()) {
    if (!current.FindService(s.code())) ch.add_services_added(s.code());
  }
  for (const auto& c : current.catalog().counters()) {
    const v1::CounterDef* n = next.FindCounter(c.id());
    if (!n) {
      ch.add_counters_removed(c.id());
      const v1::Counter* state = core.FindCounterState(c.id());
      if (state && (!state->operator_id().empty() || state->current_ticket() != 0 ||
                    state->status() != v1::CLOSED)) {
        ch.add_problems("counter " + std::to_string(c.id()) + " (" + c.name() +
                        ") is open or signed in" +
                        (state->operator_id().empty() ? "" : " by " + state->operator_id()) +
                        ": sign it out first, then apply the catalog");
      }
    } else if (n->SerializeAsString() != c.SerializeAsString()) {
      ch.add_counters_changed(c.id());
    }
  }
  for (const auto& c : next.catalog().counters()) {
    if (!current.FindCounter(c.id())) ch.add_counters_added(c.id());
  }
  if (next.utc_offset_min() != current.utc_offset_min() && open_total > 0) {
    ch.add_problems(
        "the time zone changes (UTC offset " + std::to_string(current.utc_offset_min()) + " -> " +
        std::to_string(next.utc_offset_min()) + " min) while " + std::to_string(open_total) +
        " tickets are open: business days would move under them; apply it after "
        "closing time");
  }
  ch.set_tickets_affected(affected);
  return ch;
}

}  // namespace mpp::core
