// The spoken call: what the hallway voice says for a ticket.
//
//   "Nomor antrean A, nol, nol, tujuh. Silakan menuju loket tiga, Disdukcapil."
//   "Panggilan ulang. Nomor antrean be, nol, satu, empat. Silakan menuju loket tujuh, Polres."
//
// Letters are spoken by their Indonesian names (K = "ka"; vowels stay as the
// letter), digits one by one with "nol". The counter is said as configured in
// the catalog (`spoken`). Pure functions: tested by a table of cases.
#pragma once

#include <string>

#include "common/i18n.h"

namespace mpp::display {

using mpp::Lang;

// "A-007" -> "A, nol, nol, tujuh" (id) or "A, zero, zero, seven" (en).
std::string SpokenTicketNumber(const std::string& number, Lang lang);

// The full phrase for a call or a recall.
std::string CallPhrase(const std::string& number, const std::string& counter_spoken, bool recall,
                       Lang lang);

// The brief form said while other calls wait (display/voice.h), the counter
// without its agency: "A, nol, nol, tujuh, loket tiga." ("Ulang. ..." for a
// recall).
std::string BriefCallPhrase(const std::string& number, const std::string& counter_spoken,
                            bool recall, Lang lang);

}  // namespace mpp::display
