// CentralWorker: the dashboard's reports from the central PostgreSQL
// database of many halls (mpp-manager --central), on a thread of their own
// so that the window never waits on the network - what RequestWorker is for
// the broker. Its connection reads only (central::ConnectReadOnly); it
// reconnects with backoff and reads the halls and days again every minute.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "central/overview.h"
#include "common/job_thread.h"
#include "common/request_worker.h"
#include "manager/session.h"

namespace mpp::manager {

class CentralWorker {
 public:
  struct Result {
    bool connected = false;
    std::string error;                          // why not connected
    std::optional<central::Overview> overview;  // the halls and days, when read
    std::optional<RequestWorker::Result> report;
  };

  CentralWorker(std::string url, std::function<void()> wake);
  ~CentralWorker();
  CentralWorker(const CentralWorker&) = delete;
  CentralWorker& operator=(const CentralWorker&) = delete;

  void Start();
  void Stop();  // finishes the report in hand
  // A report job of ManagerRequests (v1::Request's report, with the region).
  void Submit(ManagerRequests::Job job);
  std::vector<Result> TakeResults();

 private:
  void Run();

  std::string url_;
  JobThread<ManagerRequests::Job, Result> jobs_;
};

}  // namespace mpp::manager
