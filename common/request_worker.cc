#include "common/request_worker.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <zmq.hpp>

#include "common/client.h"

namespace mpp {

RequestWorker::RequestWorker(std::string broker, std::string client_id, int timeout_ms,
                             std::function<void()> wake, int retry_ms, int hello_ms)
    : broker_(std::move(broker)),
      client_id_(std::move(client_id)),
      timeout_ms_(timeout_ms),
      retry_ms_(retry_ms),
      hello_ms_(hello_ms),
      jobs_(std::move(wake)) {}

RequestWorker::~RequestWorker() { Stop(); }

void RequestWorker::Start() {
  jobs_.Start([this] { Run(); });
}

void RequestWorker::Stop() { jobs_.Stop(); }

void RequestWorker::Submit(std::string request_id, v1::Request request) {
  jobs_.Submit({std::move(request_id), std::move(request)});
}

std::vector<RequestWorker::Result> RequestWorker::TakeResults() { return jobs_.TakeResults(); }

void RequestWorker::Run() {
  zmq::context_t context(1);
  // Made at the first request: a new client watches its connection until its
  // first call ends (BrokerClient), which here may be hours after start-up.
  std::optional<BrokerClient> client;
  std::optional<std::pair<std::string, v1::Request>> item;
  const auto idle = hello_ms_ > 0 ? std::chrono::milliseconds(hello_ms_) : std::chrono::hours(24);
  while (jobs_.Next(std::chrono::steady_clock::now() + idle, &item)) {
    if (!item && hello_ms_ <= 0) continue;
    if (!client) client.emplace(&context, broker_, client_id_);
    if (!item) {
      // Nothing to say for a while: "still here". Its answer is nobody's; a
      // broker that is down shows on the screens through the next request.
      v1::Request r;
      r.mutable_hello();
      BrokerClient::Options o;
      o.timeout_ms = std::min(timeout_ms_, 2000);
      o.retry_ms = o.timeout_ms;
      if (auto sent = client->Call(r, o); !sent.ok()) {
        spdlog::debug("hello unanswered: {}", sent.status().message());
      }
      continue;
    }
    BrokerClient::Options o;
    o.request_id = item->first;
    o.timeout_ms = timeout_ms_;
    o.retry_ms = retry_ms_;
    auto reply = client->Call(item->second, o);
    Result r;
    r.request_id = item->first;
    if (reply.ok()) {
      r.reply = std::move(*reply);
    } else {
      // Why (broker down, key refused, handshake failed) is for the log: the
      // screens show that the broker is not answering.
      spdlog::warn("{}", reply.status().message());
      r.error = reply.status();
    }
    jobs_.Post(std::move(r));
  }
}

}  // namespace mpp
