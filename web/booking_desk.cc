#include "web/booking_desk.h"

#include <spdlog/spdlog.h>

#include <zmq.hpp>

#include "common/client.h"

namespace mpp::web {

BookingDesk::BookingDesk(Options options) : options_(std::move(options)), jobs_(nullptr) {}

void BookingDesk::Start() {
  jobs_.Start([this] { Run(); });
}

void BookingDesk::Stop() { jobs_.Stop(); }

void BookingDesk::Submit(v1::Request request, std::string request_id, Done done) {
  jobs_.Submit(Job{std::move(request), std::move(request_id),
                   std::make_shared<const Done>(std::move(done))});
}

void BookingDesk::Run() {
  zmq::context_t context(1);
  BrokerClient client(&context, options_.broker, options_.client_id);
  for (;;) {
    std::optional<Job> next;
    if (!jobs_.Next(JobThread<Job, int>::Clock::now() + std::chrono::hours(1), &next)) break;
    if (!next) continue;
    const Job job = std::move(*next);
    BrokerClient::Options o;
    o.timeout_ms = options_.timeout_ms;
    o.request_id = job.request_id;
    auto reply = client.Call(job.request, o);
    if (!reply.ok()) {
      spdlog::warn("broker did not answer {}: {}",
                   job.request.GetDescriptor()->oneof_decl(0)->name(), reply.status().message());
      (*job.done)(std::nullopt);
      continue;
    }
    (*job.done)(reply->reply());
  }
}

}  // namespace mpp::web
