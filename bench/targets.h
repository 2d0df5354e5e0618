// Issue 2's performance targets for a 2-core machine, checked against what one
// mpp-load run measured, so that every run says by itself whether it met them.
#ifndef MPP_BENCH_TARGETS_H_
#define MPP_BENCH_TARGETS_H_

#include <cstddef>
#include <string>
#include <vector>

namespace mpp::bench {

// One row of durable issues at a fixed number of synchronous clients.
struct IssueFigures {
  int clients = 0;
  double ops_per_s = 0, p50_ms = 0, p99_ms = 0;
  int errors = 0;
};

// Call -> TICKET_CALLED at every subscriber.
struct EventFigures {
  int subscribers = 0;
  double p99_ms = 0;
  size_t deliveries = 0, expected = 0;
};

struct TargetRow {
  std::string target, measured;
  bool met = false;
};

// The targets whose rows were measured (1 and 64 clients, 200 subscribers),
// in the order of the issue; a row with errors or missing deliveries does not
// meet its target whatever its figures.
std::vector<TargetRow> CheckTargets(const std::vector<IssueFigures>& issues,
                                    const std::vector<EventFigures>& events);

}  // namespace mpp::bench

#endif  // MPP_BENCH_TARGETS_H_
