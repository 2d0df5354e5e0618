#include "kiosk/worker.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <zmq.hpp>

#include "common/client.h"
#include "common/wire.h"

namespace mpp::kiosk {
namespace {

using SteadyClock = std::chrono::steady_clock;

}  // namespace

KioskWorker::KioskWorker(Options options, std::unique_ptr<Printer> printer,
                         std::function<void()> wake)
    : options_(std::move(options)), printer_(std::move(printer)), jobs_(std::move(wake)) {}

KioskWorker::~KioskWorker() { Stop(); }

void KioskWorker::Start() {
  jobs_.Start([this] { Run(); });
}

void KioskWorker::Stop() { jobs_.Stop(); }

void KioskWorker::Submit(std::vector<Job> jobs) {
  for (auto& j : jobs) jobs_.Submit(std::move(j));
}

std::vector<KioskWorker::Result> KioskWorker::TakeResults() { return jobs_.TakeResults(); }

void KioskWorker::Apply(const std::vector<Result>& results, KioskModel* model, int64_t local_ms) {
  for (const Result& r : results) {
    switch (r.kind) {
      case Result::Kind::kCatalog:
        model->SetCatalog(r.catalog);
        break;
      case Result::Kind::kSnapshot:
        model->OnSnapshot(r.snapshot, local_ms);
        break;
      case Result::Kind::kUnreachable:
        model->OnBrokerUnreachable(local_ms);
        break;
      case Result::Kind::kIssue:
        if (r.reply) {
          model->OnIssueResult(r.request_id, *r.reply);
        } else {
          model->OnIssueResult(r.request_id, r.status);
        }
        break;
      case Result::Kind::kPrint:
        model->OnPrintResult(r.ticket_id, r.status);
        break;
    }
  }
}

void KioskWorker::Run() {
  zmq::context_t context(1);
  BrokerClient client(&context, options_.broker, options_.client_id);
  auto next_poll = SteadyClock::now();
  auto next_background = SteadyClock::now();
  std::optional<Job> job;
  auto until = [&] {
    return background_.empty() ? next_poll : std::min(next_poll, next_background);
  };
  while (jobs_.Next(until(), &job)) {
    client_ = &client;
    if (job) {
      Handle(*job);
      continue;  // visitors first
    }
    if (SteadyClock::now() >= next_poll) {
      Poll();
      next_poll = next_poll_now_ ? SteadyClock::now()
                                 : SteadyClock::now() + std::chrono::milliseconds(options_.poll_ms);
      next_poll_now_ = false;
    }
    if (!background_.empty() && SteadyClock::now() >= next_background) {
      RunBackground();
      next_background =
          SteadyClock::now() + std::chrono::milliseconds(options_.background_retry_ms);
    }
  }
  for (const auto& b : background_) {
    spdlog::warn("stopping with unfinished background request {} ({})", b.request_id,
                 b.request.ShortDebugString());
  }
  client_ = nullptr;
}

void KioskWorker::Poll() {
  BrokerClient::Options o;
  o.timeout_ms = 1500;
  o.retry_ms = 750;
  if (!have_catalog_) {
    v1::Request req;
    req.mutable_get_catalog();
    auto reply = client_->Call(req, o);
    if (!reply.ok() || !reply->reply().has_catalog()) {
      Post(Result(Result::Kind::kUnreachable));
      return;
    }
    have_catalog_ = true;
    catalog_version_ = reply->reply().catalog().version();
    Result r(Result::Kind::kCatalog);
    r.catalog = reply->reply().catalog();
    Post(std::move(r));
  }
  v1::Request req;
  req.mutable_snapshot();
  auto reply = client_->Call(req, o);
  if (!reply.ok() || !reply->reply().has_snapshot()) {
    Post(Result(Result::Kind::kUnreachable));
    return;
  }
  ReportNumbersIfBehind(numbers_, reply->reply().snapshot(), *client_, o);
  if (reply->reply().snapshot().catalog_version() != catalog_version_) {
    // The broker's catalog changed (or this is the first snapshot of a broker
    // that sets versions): fetch it at the next poll, before offering services.
    if (!catalog_version_.empty()) {
      spdlog::info("the broker's catalog changed ({} -> {}); fetching it", catalog_version_,
                   reply->reply().snapshot().catalog_version());
    }
    have_catalog_ = false;
    next_poll_now_ = true;
  }
  Result r(Result::Kind::kSnapshot);
  r.snapshot = reply->reply().snapshot();
  Post(std::move(r));
}

void KioskWorker::Handle(const Job& job) {
  switch (job.kind) {
    case Job::Kind::kIssue: {
      BrokerClient::Options o;
      o.request_id = job.request_id;
      o.timeout_ms = options_.issue_timeout_ms;
      auto reply = client_->Call(job.request, o);
      Result r(Result::Kind::kIssue);
      r.request_id = job.request_id;
      if (reply.ok()) {
        if (reply->reply().has_ticket()) numbers_.See(reply->reply().ticket());
        r.reply = *reply;
      } else {
        r.status = reply.status();
        spdlog::warn("issue {} not answered: {}", job.request_id, reply.status().message());
      }
      Post(std::move(r));
      return;
    }
    case Job::Kind::kAbandon:
      spdlog::info("visitor left before issue {} was answered; resolving it in the background",
                   job.request_id);
      background_.push_back({Background::Kind::kResolveAbandoned, job.request_id, job.request});
      return;
    case Job::Kind::kPrint: {
      const Status st = printer_->Print(job.printed, job.file_stem);
      if (st.ok()) {
        spdlog::info("printed {} on {}", job.printed.number, printer_->Describe());
      } else {
        spdlog::error("print of {} failed on {}: {}", job.printed.number, printer_->Describe(),
                      st.message());
      }
      Result r(Result::Kind::kPrint);
      r.ticket_id = job.ticket_id;
      r.status = st;
      Post(std::move(r));
      const bool was_failed =
          std::count(failed_prints_.begin(), failed_prints_.end(), job.ticket_id) > 0;
      if (!st.ok() || was_failed) {
        Background b{Background::Kind::kReportPrint, NewRequestId(), {}};
        v1::ReportPrint* rp = b.request.mutable_report_print();
        rp->mutable_ticket()->set_id(job.ticket_id);
        rp->set_ok(st.ok());
        rp->set_error(st.ok() ? "" : st.message());
        if (st.ok()) {
          std::erase(failed_prints_, job.ticket_id);
        } else if (!was_failed) {
          failed_prints_.push_back(job.ticket_id);
        }
        background_.push_back(std::move(b));
        RunBackground();  // record it now if the broker is there
      }
      return;
    }
  }
}

void KioskWorker::RunBackground() {
  std::vector<Background> still_open;
  for (auto& b : std::exchange(background_, {})) {
    BrokerClient::Options o;
    o.request_id = b.request_id;
    o.timeout_ms = 1500;
    o.retry_ms = 750;
    auto reply = client_->Call(b.request, o);
    if (!reply.ok()) {
      still_open.push_back(std::move(b));
      continue;
    }
    const v1::Reply& r = reply->reply();
    switch (b.kind) {
      case Background::Kind::kResolveAbandoned:
        if (r.error().code() == v1::OK && r.has_ticket()) {
          spdlog::warn("ticket {} was issued for a visitor who left; cancelling it",
                       r.ticket().number());
          Background cancel{Background::Kind::kCancel, NewRequestId(), {}};
          cancel.request.mutable_cancel()->mutable_ticket()->set_id(r.ticket().id());
          still_open.push_back(std::move(cancel));
        }
        break;
      case Background::Kind::kCancel:
      case Background::Kind::kReportPrint:
        if (r.error().code() != v1::OK) {
          spdlog::error("broker refused {}: {}", b.request.ShortDebugString(),
                        r.error().message_en());
        }
        break;
    }
  }
  for (auto& b : still_open) background_.push_back(std::move(b));
}

}  // namespace mpp::kiosk
