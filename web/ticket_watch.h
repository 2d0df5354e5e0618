// TicketWatch: what mpp-web knows of the tickets visitors follow, and the
// public board, kept fresh by one thread that talks to the broker.
//
// The broker gives a ticket's status by its token (ticket_status: the ticket
// as the public sees it, the people ahead and the wait forecast). A page asks
// Peek(token); for a token not seen yet it calls Request(token) and waits
// (parked, not blocking a thread) for `on_answered`: the thread asks for every
// new token in one request, at most every `lookup_gap_ms` - the broker allows
// a connection 20 heavy reads a second.
// Tokens the broker knows are then watched: when the live state moves
// (NoteLiveChange: the clone client saw events) the thread asks again for all
// of them in one request - at most every `refresh_min_ms` - and calls
// `on_change` with the tokens whose answer differs, so their open pages are
// updated (and no other). A token
// nobody has asked about for `forget_after_ms` is dropped. The board is a
// snapshot taken every `board_every_ms`.
//
// Thread-safe: pages call Peek/Request/Board from the HTTP server's threads.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/mutex.h"
#include "common/thread_annotations.h"
#include "common/time_util.h"
#include "mpp/v1/mpp.pb.h"

namespace mpp {
class BrokerClient;
}

namespace mpp::web {

class TicketWatch {
 public:
  struct Options {
    std::string broker = "tcp://127.0.0.1:5555";
    std::string client_id = "web";
    int refresh_min_ms = 100;  // between two refreshes of the watched tokens
    int lookup_gap_ms = 60;    // between two requests for new tokens
    int board_every_ms = 5000;
    int lookup_timeout_ms = 3000;
    int64_t forget_after_ms = 15 * 60 * 1000;
    size_t max_watched = 50000;
  };
  struct Metrics {
    bool broker_ok = false;    // the last request was answered
    double round_trip_ms = 0;  // of the last request
    uint64_t requests = 0;     // ticket_status and snapshot requests sent
    uint64_t failures = 0;     // ...that got no answer
    uint64_t lookups = 0;      // new tokens asked for
    uint64_t refreshes = 0;    // refreshes of the watched tokens
    size_t watched = 0;
    int broker_clients = -1;  // the broker's clients heard in the last minute (-1: unknown)
  };

  // `on_change(tokens)`: these watched tickets' statuses changed.
  // `on_answered`: new tokens were answered, or the broker did not answer.
  using OnChange = std::function<void(const std::vector<std::string>& tokens)>;
  TicketWatch(Options options, OnChange on_change, std::function<void()> on_answered = nullptr);
  ~TicketWatch();
  TicketWatch(const TicketWatch&) = delete;
  TicketWatch& operator=(const TicketWatch&) = delete;

  void Start();
  void Stop();

  // The status of `token` if it is watched (followed by a page) or was
  // answered since `since_ms` (steady clock; INT64_MAX: watched only); keeps a
  // watched token fresh. nullopt: not known (yet).
  std::optional<v1::TicketStatus> Peek(const std::string& token, int64_t since_ms);
  // Asks the broker for `token` (with the next batch); `on_answered` follows.
  void Request(const std::string& token);
  // When the broker last failed to answer a batch of new tokens (0: never).
  int64_t last_failure_ms() const;
  // The live state moved to `seq`: refresh the watched tokens soon.
  void NoteLiveChange(uint64_t seq);
  // The last snapshot (empty before the first one).
  v1::Snapshot Board() const;
  Metrics metrics() const;

 private:
  struct Entry {
    v1::TicketStatus status;
    int64_t used_ms = 0;
  };
  void Run();
  // One request; nullopt (and the metrics say so) when the broker did not answer.
  std::optional<v1::Reply> Send(BrokerClient& client, const v1::Request& request) EXCLUDES(mu_);
  // ticket_status for `tokens`, in requests of at most 1,000.
  bool Ask(BrokerClient& client, const std::vector<std::string>& tokens,
           std::vector<v1::TicketStatus>* out) EXCLUDES(mu_);
  void AnswerLookups(BrokerClient& client) EXCLUDES(mu_);
  void Refresh(BrokerClient& client) EXCLUDES(mu_);
  void TakeBoard(BrokerClient& client) EXCLUDES(mu_);
  void Forget(int64_t now) REQUIRES(mu_);

  const Options options_;
  const OnChange on_change_;
  const std::function<void()> on_answered_;
  std::thread thread_;

  mutable Mutex mu_;
  CondVar wake_;  // the thread: new tokens, a live change, stop
  bool stop_ GUARDED_BY(mu_) = false;
  std::set<std::string> pending_ GUARDED_BY(mu_);  // asked for, not answered yet
  struct Answer {
    v1::TicketStatus status;
    int64_t at_ms = 0;  // when it came
  };
  std::map<std::string, Answer> answers_ GUARDED_BY(mu_);  // new tokens answered
  int64_t failed_ms_ GUARDED_BY(mu_) = 0;
  std::map<std::string, Entry> watched_ GUARDED_BY(mu_);
  uint64_t live_seq_ GUARDED_BY(mu_) = 0, refreshed_seq_ GUARDED_BY(mu_) = 0;
  v1::Snapshot board_ GUARDED_BY(mu_);
  Metrics metrics_ GUARDED_BY(mu_);
};

}  // namespace mpp::web
