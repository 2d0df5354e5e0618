// Printer: where the kiosk's tickets go.
//
//   escpos:/dev/usb/lp0   raw ESC/POS raster to a device file (most USB thermal printers)
//   escpos:tcp:HOST[:PORT] the same to a network printer's raw port (9100 by default)
//   cups:QUEUE            the ticket as PDF to a CUPS queue (libcups)
//   file:DIR              DIR/<day>_<number>_<id>.png and .pdf (tests, demos, archiving)
//   none                  nothing printed; the number is shown on screen only
//
// Print() blocks (the kiosk calls it on its worker thread, never the UI
// thread) and returns an error a visitor and a technician can act on, e.g.
// "printer is out of paper". Nothing is retried here: the kiosk offers a
// reprint and reports the failure to the broker.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "kiosk/ticket_print.h"

namespace mpp::kiosk {

class Printer {
 public:
  virtual ~Printer() = default;
  // `file_stem` names the ticket for printers that write files.
  virtual Status Print(const PrintedTicket& ticket, const std::string& file_stem) = 0;
  virtual std::string Describe() const = 0;
};

// Parses a --printer spec. Fails with what is wrong and the accepted forms.
StatusOr<std::unique_ptr<Printer>> OpenPrinter(const std::string& spec, Paper paper);

}  // namespace mpp::kiosk
