#include "bench/targets.h"

#include <fmt/format.h>

namespace mpp::bench {

std::vector<TargetRow> CheckTargets(const std::vector<IssueFigures>& issues,
                                    const std::vector<EventFigures>& events) {
  std::vector<TargetRow> rows;
  for (const auto& f : issues) {
    if (f.clients != 64) continue;
    rows.push_back({">= 20,000 durable ops/s at 64 clients",
                    fmt::format("{:.0f} ops/s, {} errors", f.ops_per_s, f.errors),
                    f.ops_per_s >= 20000 && f.errors == 0});
  }
  for (const auto& f : issues) {
    if (f.clients != 1) continue;
    rows.push_back({"p50 <= 0.5 ms at 1 client", fmt::format("{:.3f} ms", f.p50_ms),
                    f.p50_ms <= 0.5 && f.errors == 0});
    rows.push_back({"p99 <= 5 ms at 1 client", fmt::format("{:.3f} ms", f.p99_ms),
                    f.p99_ms <= 5 && f.errors == 0});
  }
  for (const auto& f : events) {
    if (f.subscribers != 200) continue;
    rows.push_back(
        {"event delivery p99 <= 5 ms to 200 subscribers",
         fmt::format("{:.3f} ms ({} of {} deliveries)", f.p99_ms, f.deliveries, f.expected),
         f.p99_ms <= 5 && f.deliveries == f.expected});
  }
  return rows;
}

}  // namespace mpp::bench
