// RequestWorker: sends a GUI's requests to the broker on its own thread, in
// order, so a window never waits on the network. Each request keeps the id it
// was given (retries by the caller reuse it); results are collected by the UI
// thread with TakeResults().
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/job_thread.h"
#include "common/status.h"
#include "mpp/v1/mpp.pb.h"

namespace mpp {

class RequestWorker {
 public:
  struct Result {
    std::string request_id;
    std::optional<v1::Envelope> reply;  // empty: not answered in time (see `error`)
    Status error;
    StatusOr<v1::Envelope> AsStatusOr() const {
      if (reply) return *reply;
      return error;
    }
  };

  // `wake` runs on the worker thread after each result (glfwPostEmptyEvent).
  // An unanswered request is resent (same id) every `retry_ms`; a long
  // read such as a year's report passes retry_ms = timeout_ms (no resend).
  // With nothing to send for `hello_ms`, it says hello (v1::Hello), so the
  // broker knows the device is on (status lists silent devices); 0: never.
  RequestWorker(std::string broker, std::string client_id, int timeout_ms,
                std::function<void()> wake, int retry_ms = 1000, int hello_ms = 20000);
  ~RequestWorker();
  RequestWorker(const RequestWorker&) = delete;
  RequestWorker& operator=(const RequestWorker&) = delete;

  void Start();
  void Stop();  // finishes the request in hand
  void Submit(std::string request_id, v1::Request request);
  std::vector<Result> TakeResults();

 private:
  void Run();

  std::string broker_, client_id_;
  int timeout_ms_;
  int retry_ms_;
  int hello_ms_;
  JobThread<std::pair<std::string, v1::Request>, Result> jobs_;
};

}  // namespace mpp
