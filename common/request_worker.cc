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
      wake_(std::move(wake)),
      retry_ms_(retry_ms),
      hello_ms_(hello_ms) {}

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
    bool hello = false;
    {
      std::unique_lock<std::mutex> lock(mu_);
      auto ready = [&] { return stop_ || !queue_.empty(); };
      if (hello_ms_ > 0) {
        hello = !cv_.wait_for(lock, std::chrono::milliseconds(hello_ms_), ready);
      } else {
        cv_.wait(lock, ready);
      }
      if (stop_) return;
      if (!hello) {
        item = std::move(queue_.front());
        queue_.pop_front();
      }
    }
    if (!client) client.emplace(&context, broker_, client_id_);
    if (hello) {
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
    o.request_id = item.first;
    o.timeout_ms = timeout_ms_;
    o.retry_ms = retry_ms_;
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
