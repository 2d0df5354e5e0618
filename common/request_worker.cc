#include "common/request_worker.h"

#include <spdlog/spdlog.h>

#include <optional>
#include <zmq.hpp>

#include "common/client.h"

namespace mpp {

RequestWorker::RequestWorker(std::string broker, std::string client_id, int timeout_ms,
                             std::function<void()> wake, int retry_ms)
    : broker_(std::move(broker)),
      client_id_(std::move(client_id)),
      timeout_ms_(timeout_ms),
      wake_(std::move(wake)),
      retry_ms_(retry_ms) {}

RequestWorker::~RequestWorker() { Stop(); }

void RequestWorker::Start() {
  thread_ = std::thread([this] { Run(); });
}

void RequestWorker::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void RequestWorker::Submit(std::string request_id, v1::Request request) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.emplace_back(std::move(request_id), std::move(request));
  }
  cv_.notify_all();
}

std::vector<RequestWorker::Result> RequestWorker::TakeResults() {
  std::lock_guard<std::mutex> lock(mu_);
  return std::exchange(results_, {});
}

void RequestWorker::Run() {
  zmq::context_t context(1);
  // Made at the first request: a new client watches its connection until its
  // first call ends (BrokerClient), which here may be hours after start-up.
  std::optional<BrokerClient> client;
  while (true) {
    std::pair<std::string, v1::Request> item;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (stop_) return;
      item = std::move(queue_.front());
      queue_.pop_front();
    }
    BrokerClient::Options o;
    o.request_id = item.first;
    o.timeout_ms = timeout_ms_;
    o.retry_ms = retry_ms_;
    if (!client) client.emplace(&context, broker_, client_id_);
    auto reply = client->Call(item.second, o);
    Result r;
    r.request_id = item.first;
    if (reply.ok()) {
      r.reply = std::move(*reply);
    } else {
      // Why (broker down, key refused, handshake failed) is for the log: the
      // screens show that the broker is not answering.
      spdlog::warn("{}", reply.status().message());
      r.error = reply.status();
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      results_.push_back(std::move(r));
    }
    if (wake_) wake_();
  }
}

}  // namespace mpp
