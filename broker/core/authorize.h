// Who may send what, on a broker that runs with CURVE keys. The device comes
// from the connection's ZAP User-Id (its public key), never from the payload.
//
//   display  reads (catalog, snapshot, status)
//   kiosk    reads, issue (as itself), report_print and cancel of its own tickets
//   counter  reads, and every counter command for its own counter_ids only
//            (call, recall, start, finish, no-show, transfer, hold, return a
//            ticket it held, open, break, close, sign in/out, the pad's rating)
//   manager  reads, reports, the running text
//   web      reads and ticket_status (the visitors' web gateway, mpp-web)
//   admin    everything, including operators and devices
#pragma once

#include <optional>
#include <string>

#include "broker/core/queue_core.h"
#include "common/wire.h"
#include "mpp/v1/mpp.pb.h"

namespace mpp::core {

struct Refusal {
  std::string message_id;  // Bahasa Indonesia
  std::string message_en;
};

// nullopt when `device` may send `request`. A kiosk cancels and reports the
// print of only the tickets it issued itself.
std::optional<Refusal> Authorize(const v1::Device& device, const v1::Request& request,
                                 const QueueCore& core);

// On a broker with keys, an `issue` records the device that sent it: a kiosk's
// ticket has source KIOSK and source_id the kiosk's device name (its priority
// "self"-declared); a counter's or an administrator's has source STAFF and the
// device name (its priority granted by that device). Other commands are left.
void StampIssuer(const v1::Device& device, v1::Request* request);

}  // namespace mpp::core
