#include "manager/central_worker.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <memory>

#include "central/report.h"

namespace mpp::manager {

CentralWorker::CentralWorker(std::string url, std::function<void()> wake)
    : url_(std::move(url)), jobs_(std::move(wake)) {}

CentralWorker::~CentralWorker() { Stop(); }

void CentralWorker::Start() {
  jobs_.Start([this] { Run(); });
}

void CentralWorker::Stop() { jobs_.Stop(); }

void CentralWorker::Submit(ManagerRequests::Job job) { jobs_.Submit(std::move(job)); }

std::vector<CentralWorker::Result> CentralWorker::TakeResults() { return jobs_.TakeResults(); }

void CentralWorker::Run() {
  using Clock = std::chrono::steady_clock;
  constexpr auto kOverviewEvery = std::chrono::seconds(60);
  constexpr auto kMaxBackoff = std::chrono::seconds(30);
  std::unique_ptr<pqxx::connection> db;
  std::chrono::milliseconds backoff(1000);
  Clock::time_point wake = Clock::now(), next_overview = Clock::now();
  std::optional<ManagerRequests::Job> job;
  // Each result carries whether the database answers, so the screen's banner
  // follows each attempt.
  while (jobs_.Next(wake, &job)) {
    Result r;
    if (!db) {
      auto c = central::ConnectReadOnly(url_, "mpp-manager");
      if (!c.ok()) {
        spdlog::warn("{}", c.status().message());
        r.error = c.status().message();
        if (job) r.report = RequestWorker::Result{job->request_id, std::nullopt, c.status()};
        jobs_.Post(std::move(r));
        wake = Clock::now() + backoff;
        backoff = std::min<std::chrono::milliseconds>(backoff * 2, kMaxBackoff);
        continue;
      }
      spdlog::info("central database connected (read only)");
      db = std::move(*c);
      backoff = std::chrono::milliseconds(1000);
      next_overview = Clock::now();
    }
    if (Clock::now() >= next_overview) {
      auto o = central::ReadOverview(*db);
      if (o.ok()) {
        r.overview = std::move(*o);
      } else {
        // Down, or a role that may not read the halls (not a reader): either
        // way the screen says why, and it tries again from the start.
        r.error = o.status().message();
        spdlog::warn("central database: {}", r.error);
        db.reset();
      }
      next_overview = Clock::now() + kOverviewEvery;
    }
    if (job && db) {
      central::CentralQuery q;
      q.from = job->request.report().from();
      q.to = job->request.report().to();
      q.province = job->province;
      q.city = job->city;
      q.mpp = job->mpp;
      RequestWorker::Result res;
      res.request_id = job->request_id;
      if (!report::ParseGroupBy(job->request.report().by(), &q.by)) {
        res.error = Status::Error("unknown grouping '" + job->request.report().by() + "'");
      } else if (auto rep = central::CentralReport(*db, q); rep.ok()) {
        res.reply.emplace();
        *res.reply->mutable_reply()->mutable_report() = report::ToProto(*rep);
      } else {
        res.error = rep.status();
        if (!db->is_open()) {  // gone: connect again; a bad query keeps the connection
          spdlog::warn("central database: {}", res.error.message());
          db.reset();
        }
      }
      r.report = std::move(res);
    } else if (job) {
      r.report = RequestWorker::Result{job->request_id, std::nullopt, Status::Error(r.error)};
    }
    r.connected = db != nullptr;
    jobs_.Post(std::move(r));
    wake = db ? next_overview : Clock::now() + backoff;
  }
}

}  // namespace mpp::manager
