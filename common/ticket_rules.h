// Rules about a ticket that the broker and the screens must apply alike.
#pragma once

#include <algorithm>

#include "common/time_util.h"
#include "mpp/v1/mpp.pb.h"

namespace mpp {

// Where a ticket's wait starts (docs/PROTOCOL.md sections 8 and 10): its
// issue, or for a booking checked in on time its slot's start - it may have
// come early. The broker judges `wait_ms` from here at the first call; a
// counter's waiting list counts from here too.
inline Millis WaitStartMs(const v1::Ticket& t) {
  return t.appointment_ms() > 0 && !t.appointment_late()
             ? std::max<Millis>(t.issued_ms(), t.appointment_ms())
             : t.issued_ms();
}

}  // namespace mpp
