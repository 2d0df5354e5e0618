// mpp-web's appointment pages (docs/OPERATIONS.md, "Appointments"):
//   /booking           agencies and their services that take appointments
//   /booking/SERVICE   the service's days and free slots, one form to book
//   /b/CODE            a booking: its code and QR for the kiosk, when, cancel
// Server-rendered forms that work without JavaScript; the views are the
// broker's replies (list_slots, get_booking) and the catalog.
#pragma once

#include <string>

#include "common/catalog.h"
#include "web/pages.h"

namespace mpp::web {

// /booking: every agency with a service that takes appointments, and a
// box to open a booking by its code.
std::string BookingStartPage(const CatalogIndex& catalog, const PageContext& context);

// /booking/SERVICE: the bookable days as links (`day` chosen, or the first
// with a free slot), that day's slots as the form's buttons. `nonce` makes
// the form's request id; `error` (the broker's refusal) is shown above it.
struct SlotsInput {
  const v1::Service* service = nullptr;
  const CatalogIndex* catalog = nullptr;
  const v1::SlotList* slots = nullptr;
  std::string day;
  std::string nonce;
  std::string error;
};
std::string SlotsPage(const SlotsInput& in, const PageContext& context);

// /b/CODE: what the visitor shows at the kiosk. `qr_text` is what the QR
// code holds (PUBLIC_URL/b/CODE, or the code without a public URL).
std::string BookingPage(const v1::Booking& booking, const CatalogIndex& catalog,
                        const std::string& qr_text, const PageContext& context);

// A QR code as inline SVG (no outside resource, allowed by the pages' CSP).
std::string QrSvg(const std::string& text);

}  // namespace mpp::web
