#include "fuzz/catalog_fuzz_lib.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/catalog.h"

namespace mpp::fuzz {

int RunCatalog(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  static const std::string kSource = "fuzz.toml";
  auto parsed = ParseCatalog(text, kSource);
  if (!parsed.ok()) {
    // Every refusal names the file (docs/OPERATIONS.md, "The catalog file").
    if (parsed.status().message().find(kSource) == std::string::npos) {
      std::fprintf(stderr, "catalog refusal without the file name: %s\n",
                   parsed.status().message().c_str());
      std::abort();
    }
    return 0;
  }
  const CatalogIndex index(parsed.value());
  // The questions the broker, kiosks and reports ask: a Monday morning, a
  // Sunday, a year's turn, a day before the epoch.
  for (const Millis t : {Millis{1796004000000}, Millis{1796349600000}, Millis{1798736400000},
                         Millis{-86400000}}) {
    const std::string day = index.BusinessDay(t);
    (void)index.HolidayOn(day);
    (void)index.NextWorkingDay(day, true);
    (void)index.NextWorkingDay(day, false);
    for (const auto& s : index.catalog().services()) {
      (void)index.ServiceAvailability(s, t);
      for (int wd = 1; wd <= 7; ++wd) (void)index.WindowOn(s, wd);
      for (const auto& z : index.catalog().zones()) (void)index.ServiceInZone(s.code(), z.id());
    }
  }
  for (const auto& c : index.catalog().counters()) (void)index.FindCounter(c.id());
  return 1;
}

}  // namespace mpp::fuzz
