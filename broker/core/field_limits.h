// Field limits: every string of a command has a documented size limit, so a
// device with a valid key cannot make every snapshot 10 MB with one issue, or
// a refusal echo 200 KiB back in two languages (docs/PROTOCOL.md, "Field
// limits"). The reactor checks the whole request by reflection before
// anything else looks at it: one table here, no field forgotten by a new
// command.
#pragma once

#include <optional>
#include <string>

#include "mpp/v1/mpp.pb.h"

namespace mpp::core {

// The limit in bytes of a string field, by its full name
// ("mpp.v1.IssueTicket.source_id"); every other string has kDefaultMaxBytes.
size_t MaxBytesOf(const std::string& full_name);
inline constexpr size_t kDefaultMaxBytes = 64;

struct FieldTooLong {
  std::string field;  // e.g. "issue.source_id"
  size_t bytes = 0;
  size_t limit = 0;
};

// The first string (or repeated string) of `request` over its limit.
std::optional<FieldTooLong> CheckFieldLimits(const v1::Request& request);

}  // namespace mpp::core
