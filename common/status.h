// Status and StatusOr: errors as values (LevelDB/Abseil style).
//
// A Status is OK or carries a message that says what is wrong and, where it
// can, what to do, and a code that says what kind of failure it is - for
// code to decide on (retry, ask for a key, ...): the words are for people and
// are never parsed. Nothing in this project throws across a module boundary.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace mpp {

// The broker's v1::ErrorCode values where they mean the same (common/wire.h
// converts, and checks that they stay aligned), then the client's own.
enum class StatusCode : int {
  kOk = 0,
  kInvalidArgument = 1,
  kNotFound = 2,
  kFailedPrecondition = 3,
  kQuotaExhausted = 4,
  kServiceClosed = 5,
  kNotServedToday = 6,
  kMppHoliday = 7,
  kQueueEmpty = 8,
  kNotPermitted = 9,
  kUnavailable = 10,  // also: the broker did not answer in time
  kInternal = 11,
  kUnsupportedVersion = 12,
  kPastClosing = 13,
  kResourceExhausted = 14,
  // Client side only.
  kKeyRefused = 100,  // the broker refused this device's CURVE key (PERMISSION_DENIED)
  kUnknown = 101,     // an error made without a code: a file, a parse, ...
};

// "UNAVAILABLE", "PERMISSION_DENIED", ...: the broker's names, and the
// client's for its own codes (what `mppctl --json` prints as "code").
std::string_view StatusCodeName(StatusCode code);

class Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  static Status Error(std::string message) {
    return Status(StatusCode::kUnknown, std::move(message));
  }
  static Status Error(StatusCode code, std::string message) {
    return Status(code, std::move(message));
  }

  bool ok() const { return !message_.has_value(); }
  StatusCode code() const { return code_; }
  const std::string& message() const {
    static const std::string kOk = "OK";
    return message_ ? *message_ : kOk;
  }

 private:
  Status(StatusCode code, std::string m) : code_(code), message_(std::move(m)) {}
  StatusCode code_ = StatusCode::kOk;
  std::optional<std::string> message_;
};

template <typename T>
class StatusOr {
 public:
  StatusOr(T value) : value_(std::move(value)) {}          // NOLINT: implicit by design
  StatusOr(Status status) : status_(std::move(status)) {}  // NOLINT
  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace mpp
