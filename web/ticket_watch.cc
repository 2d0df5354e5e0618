#include "web/ticket_watch.h"

#include <google/protobuf/util/message_differencer.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <zmq.hpp>

#include "common/client.h"
#include "common/ticket_token.h"

namespace mpp::web {
namespace {

std::chrono::steady_clock::time_point InMs(int64_t ms) {
  return std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
}

}  // namespace

TicketWatch::TicketWatch(Options options, OnChange on_change, std::function<void()> on_answered)
    : options_(std::move(options)),
      on_change_(std::move(on_change)),
      on_answered_(std::move(on_answered)) {}

TicketWatch::~TicketWatch() { Stop(); }

void TicketWatch::Start() {
  thread_ = std::thread([this] { Run(); });
}

void TicketWatch::Stop() {
  {
    MutexLock lock(&mu_);
    stop_ = true;
  }
  wake_.SignalAll();
  if (thread_.joinable()) thread_.join();
}

std::optional<v1::TicketStatus> TicketWatch::Peek(const std::string& token, int64_t since_ms) {
  MutexLock lock(&mu_);
  if (auto w = watched_.find(token); w != watched_.end()) {
    w->second.used_ms = SteadyNowMs();
    return w->second.status;
  }
  if (auto it = answers_.find(token); it != answers_.end() && it->second.at_ms >= since_ms) {
    return it->second.status;
  }
  return std::nullopt;
}

void TicketWatch::Request(const std::string& token) {
  MutexLock lock(&mu_);
  if (pending_.insert(token).second) ++metrics_.lookups;
  wake_.Signal();
}

int64_t TicketWatch::last_failure_ms() const {
  MutexLock lock(&mu_);
  return failed_ms_;
}

void TicketWatch::NoteLiveChange(uint64_t seq) {
  MutexLock lock(&mu_);
  if (seq == live_seq_) return;
  live_seq_ = seq;
  wake_.Signal();
}

v1::Snapshot TicketWatch::Board() const {
  MutexLock lock(&mu_);
  return board_;
}

TicketWatch::Metrics TicketWatch::metrics() const {
  MutexLock lock(&mu_);
  Metrics m = metrics_;
  m.watched = watched_.size();
  return m;
}

std::optional<v1::Reply> TicketWatch::Send(BrokerClient& client, const v1::Request& request) {
  const auto start = std::chrono::steady_clock::now();
  BrokerClient::Options o;
  o.timeout_ms = 3000;
  o.retry_ms = 1000;
  auto reply = client.Call(request, o);
  MutexLock lock(&mu_);
  ++metrics_.requests;
  metrics_.broker_ok = reply.ok();
  if (!reply.ok()) {
    ++metrics_.failures;
    spdlog::warn("broker did not answer: {}", reply.status().message());
    return std::nullopt;
  }
  metrics_.round_trip_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (reply->reply().error().code() != v1::OK) {
    spdlog::warn("broker refused {}: {}", request.GetDescriptor()->oneof_decl(0)->name(),
                 reply->reply().error().message_en());
    return std::nullopt;
  }
  return reply->reply();
}

bool TicketWatch::Ask(BrokerClient& client, const std::vector<std::string>& tokens,
                      std::vector<v1::TicketStatus>* out) {
  for (size_t i = 0; i < tokens.size(); i += kMaxStatusTokens) {
    v1::Request r;
    for (size_t j = i; j < tokens.size() && j < i + kMaxStatusTokens; ++j) {
      r.mutable_ticket_status()->add_tokens(tokens[j]);
    }
    auto reply = Send(client, r);
    if (!reply) return false;
    for (const auto& st : reply->ticket_statuses().statuses()) out->push_back(st);
  }
  return true;
}

void TicketWatch::AnswerLookups(BrokerClient& client) {
  std::vector<std::string> tokens;
  {
    MutexLock lock(&mu_);
    tokens.assign(pending_.begin(), pending_.end());
  }
  if (tokens.empty()) return;
  std::vector<v1::TicketStatus> statuses;
  const bool ok = Ask(client, tokens, &statuses);
  {
    MutexLock lock(&mu_);
    for (const auto& t : tokens) pending_.erase(t);
    const int64_t now = SteadyNowMs();
    if (!ok) {
      failed_ms_ = now;  // the waiting pages say the broker is away
    } else {
      // Answers nobody waits for any more must not pile up.
      if (answers_.size() > 10000) answers_.clear();
      for (size_t i = 0; i < statuses.size() && i < tokens.size(); ++i) {
        answers_[tokens[i]] = {statuses[i], now};
        // Only tokens of real tickets are watched: a guess costs one answer.
        if (statuses[i].code() == v1::OK && watched_.size() < options_.max_watched) {
          watched_[tokens[i]] = {statuses[i], now};
        }
      }
    }
  }
  if (on_answered_) on_answered_();
}

void TicketWatch::Refresh(BrokerClient& client) {
  std::vector<std::string> tokens;
  {
    MutexLock lock(&mu_);
    Forget(SteadyNowMs());
    refreshed_seq_ = live_seq_;
    for (const auto& [token, entry] : watched_) tokens.push_back(token);
    ++metrics_.refreshes;
  }
  if (tokens.empty()) return;
  std::vector<v1::TicketStatus> statuses;
  if (!Ask(client, tokens, &statuses)) return;
  std::vector<std::string> changed;
  {
    MutexLock lock(&mu_);
    for (size_t i = 0; i < statuses.size() && i < tokens.size(); ++i) {
      auto it = watched_.find(tokens[i]);
      if (it == watched_.end()) continue;
      if (!google::protobuf::util::MessageDifferencer::Equals(it->second.status, statuses[i])) {
        it->second.status = statuses[i];
        changed.push_back(tokens[i]);
      }
    }
  }
  if (!changed.empty() && on_change_) on_change_(changed);
}

void TicketWatch::TakeBoard(BrokerClient& client) {
  v1::Request r;
  r.mutable_snapshot();
  auto reply = Send(client, r);
  if (!reply) return;
  v1::Request status;
  status.mutable_status();
  auto st = Send(client, status);
  MutexLock lock(&mu_);
  board_ = reply->snapshot();
  metrics_.broker_clients = st ? st->status().clients() : -1;
}

void TicketWatch::Forget(int64_t now) {
  for (auto it = watched_.begin(); it != watched_.end();) {
    it = now - it->second.used_ms > options_.forget_after_ms ? watched_.erase(it) : std::next(it);
  }
}

void TicketWatch::Run() {
  zmq::context_t context(1);
  BrokerClient client(&context, options_.broker, options_.client_id);
  int64_t next_board = 0, last_refresh = 0, last_lookup = 0;
  for (;;) {
    bool lookups = false, refresh_due = false, board_due = false;
    int64_t now = 0;
    {
      MutexLock lock(&mu_);
      for (;;) {
        if (stop_) return;
        now = SteadyNowMs();
        const bool waiting = !pending_.empty();
        lookups = waiting && now - last_lookup >= options_.lookup_gap_ms;
        const bool live_moved = live_seq_ != refreshed_seq_ && !watched_.empty();
        refresh_due = live_moved && now - last_refresh >= options_.refresh_min_ms;
        board_due = now >= next_board;
        if (lookups || refresh_due || board_due) break;
        int64_t wait = next_board - now;
        if (live_moved) wait = std::min(wait, last_refresh + options_.refresh_min_ms - now);
        if (waiting) wait = std::min(wait, last_lookup + options_.lookup_gap_ms - now);
        wake_.WaitUntil(&mu_, InMs(std::max<int64_t>(wait, 1)));
      }
    }
    if (lookups) {
      last_lookup = now;
      AnswerLookups(client);
    }
    if (refresh_due) {
      last_refresh = now;
      Refresh(client);
    }
    if (board_due) {
      next_board = now + options_.board_every_ms;
      TakeBoard(client);
    }
  }
}

}  // namespace mpp::web
