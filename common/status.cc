#include "common/status.h"

namespace mpp {

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "OK";
    case StatusCode::kInvalidArgument:
      return "INVALID_ARGUMENT";
    case StatusCode::kNotFound:
      return "NOT_FOUND";
    case StatusCode::kFailedPrecondition:
      return "FAILED_PRECONDITION";
    case StatusCode::kQuotaExhausted:
      return "QUOTA_EXHAUSTED";
    case StatusCode::kServiceClosed:
      return "SERVICE_CLOSED";
    case StatusCode::kNotServedToday:
      return "NOT_SERVED_TODAY";
    case StatusCode::kMppHoliday:
      return "MPP_HOLIDAY";
    case StatusCode::kQueueEmpty:
      return "QUEUE_EMPTY";
    case StatusCode::kNotPermitted:
      return "NOT_PERMITTED";
    case StatusCode::kUnavailable:
      return "UNAVAILABLE";
    case StatusCode::kInternal:
      return "INTERNAL";
    case StatusCode::kUnsupportedVersion:
      return "UNSUPPORTED_VERSION";
    case StatusCode::kPastClosing:
      return "PAST_CLOSING";
    case StatusCode::kResourceExhausted:
      return "RESOURCE_EXHAUSTED";
    case StatusCode::kKeyRefused:
      return "PERMISSION_DENIED";
    case StatusCode::kUnknown:
      return "UNKNOWN";
  }
  return "UNKNOWN";
}

}  // namespace mpp
