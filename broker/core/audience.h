// Who may see what of the event stream and of snapshots (docs/SECURITY.md,
// "What each device hears").
//
// Kiosks and displays (the public audience) see tickets and counters as a
// hall's screens show them - number, service, state, counter, times - without
// who issued or served a ticket, its booking or kiosk id, or a printer's
// complaint; they see no operators, devices or security notices. Counter
// workstations and managers (staff) see tickets whole and operators without
// their failure counts, but no devices or security notices. Administrators
// see everything. An event an audience may not see reaches it as a stub - its
// seq and type, nothing else - so every subscriber's stream stays gap-free.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/catalog.h"
#include "mpp/v1/mpp.pb.h"

namespace mpp::core {

enum class Audience { kPublic = 0, kStaff = 1, kAdmin = 2 };
inline constexpr int kAudiences = 3;

Audience AudienceOf(v1::DeviceRole role);

// A ticket as `audience` may see it. No audience sees its token (Ticket.token:
// only the reply carries it).
void RedactTicket(v1::Ticket* ticket, Audience audience);

// The event as `audience` may see it.
v1::Event ForAudience(const v1::Event& event, Audience audience);
// True when every audience sees `event` whole and it concerns no zone (the
// ticker, the day, the catalog, numbering): published once for all.
bool SameForAll(const v1::Event& event);
// A snapshot for `audience` (tickets and counters as in ForAudience).
void RedactSnapshot(v1::Snapshot* snapshot, Audience audience);

// Event topics: "mpp.event." + the audiences it is for + ";", e.g.
// "mpp.event.012;" (everyone) or "mpp.event.12;" (staff and admin). A
// subscriber of `audience` is subscribed to exactly the topics that name it.
//
// A ticket or counter event (Zoned) goes to the public on "mpp.event.0@*;" for
// kiosks and displays of every zone, on "mpp.event.0@ZONE;" for each zone it
// concerns (ZonesOf), then as a stub on "mpp.event.0@-;": a display bound to
// zones hears its zones' copies first and the stub (same seq, dropped as
// stale) or only the stub.
std::string EventTopic(std::string_view audiences);
std::string ZoneTopic(std::string_view zone);
inline constexpr std::string_view kZoneStubTopic = "mpp.event.0@-;";
// `zones`: a display's zones (empty: every zone).
std::vector<std::string> EventTopicsFor(Audience audience,
                                        const std::vector<std::string>& zones = {});
bool Zoned(const v1::Event& event);
// The zones a ticket or counter event concerns: its counter's, and every
// zone with a counter serving its ticket's service.
std::vector<std::string> ZonesOf(const v1::Event& event, const CatalogIndex& catalog);

}  // namespace mpp::core
