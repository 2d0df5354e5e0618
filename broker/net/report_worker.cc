#include "broker/net/report_worker.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <zmq_addon.hpp>

#include "broker/core/queue_core.h"
#include "broker/report/build.h"
#include "broker/report/report.h"
#include "mpp/v1/mpp.pb.h"

namespace mpp::net {

ReportWorker::ReportWorker(zmq::context_t* context, const CatalogIndex* catalog,
                           std::string db_path, std::string endpoint)
    : PipeWorker(context, std::move(endpoint), kMaxQueued),
      catalog_(catalog),
      db_path_(std::move(db_path)) {
  Start("mpp-reports");
}

ReportWorker::~ReportWorker() { Stop(); }

void ReportWorker::Serve(zmq::socket_t& sock, std::vector<zmq::message_t>& frames) {
  if (frames.size() != 3) return;  // only the reactor writes here
  v1::Envelope in, out;
  in.ParseFromArray(frames[1].data(), static_cast<int>(frames[1].size()));
  out.ParseFromArray(frames[2].data(), static_cast<int>(frames[2].size()));
  const v1::GetReport& q = in.request().report();
  report::GroupBy by = report::GroupBy::kService;
  const auto t0 = std::chrono::steady_clock::now();
  if (!q.by().empty() && !report::ParseGroupBy(q.by(), &by)) {
    *out.mutable_reply() = core::ErrorReply(
        v1::INVALID_ARGUMENT, "Pengelompokan '" + q.by() + "' tidak dikenal.",
        "Unknown grouping '" + q.by() +
            "'; use agency, service, counter, operator, day, hour or weekday-hour.");
  } else {
    auto rep = report::Build(db_path_, *catalog_.load(), q.from(), q.to(), by);
    if (!rep.ok()) {
      *out.mutable_reply() = core::ErrorReply(
          v1::INVALID_ARGUMENT, "Laporan tidak dapat dibuat: " + rep.status().message(),
          "The report cannot be built: " + rep.status().message());
    } else {
      out.mutable_reply()->mutable_error()->set_code(v1::OK);
      v1::ComplianceReport* p = out.mutable_reply()->mutable_report();
      *p = report::ToProto(rep.value());
      p->set_build_ms(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
      spdlog::info("report {}..{} by {}: {} rows, {} tickets in {:.0f} ms", q.from(), q.to(),
                   p->by(), p->rows_size(), p->total().issued(), p->build_ms());
    }
  }
  const std::string bytes = out.SerializeAsString();
  sock.send(frames[0], zmq::send_flags::sndmore);
  sock.send(zmq::buffer(bytes), zmq::send_flags::none);
}

}  // namespace mpp::net
