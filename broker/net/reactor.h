// Reactor: the broker's imperative shell around QueueCore and Store.
//
// One thread polls the ROUTER (commands) socket, drains every ready request
// (bounded batch), applies them to the core in arrival order, commits ONE
// SQLite transaction for the batch (group commit), and only after COMMIT sends
// the replies and publishes the events on the PUB socket. A reply is a
// promise: what it acknowledges is on disk. With a WalSyncer (options.syncer)
// the COMMIT does not sync: the batch's replies and events wait until the
// syncer's thread has synced the WAL, while the reactor handles the next batch;
// any reply produced meanwhile (also a snapshot or status) waits behind them.
//
// Retries are safe: every mutating request carries (client_id, request_id);
// a request seen before is answered with the stored reply and applied once.
//
// Bad input (wrong frame count, unknown tag, garbage protobuf, invalid UTF-8,
// unknown commands, out-of-range ids) gets an error reply, or a drop where no
// reply is possible, plus a rate-limited log line; the reactor keeps serving.
//
// REQUIRES: Run() on one thread; the core and store are owned by that thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <zmq.hpp>

#include "broker/core/audience.h"
#include "broker/core/authorize.h"
#include "broker/core/pin_hash.h"
#include "broker/core/queue_core.h"
#include "broker/net/pin_worker.h"
#include "broker/net/report_worker.h"
#include "broker/net/token_source.h"
#include "broker/net/zap_handler.h"
#include "broker/store/checkpointer.h"
#include "broker/store/store.h"
#include "broker/store/wal_syncer.h"
#include "common/catalog.h"
#include "common/status.h"
#include "common/time_util.h"

namespace mpp::net {

struct ReactorOptions {
  std::string command_endpoint = "tcp://127.0.0.1:5555";
  std::string event_endpoint;  // empty: command port + 1 ("*" stays "*")
  int max_batch = 512;
  int heartbeat_ms = 1000;
  std::string db_path;  // for the report thread; empty: `report` is refused
  // CURVE: the broker's secret key and the registry of allowed devices. Both
  // set: every socket is CURVE with ZAP (fail closed) and every command is
  // authorized from the connection's User-Id. Both empty: plaintext, loopback.
  std::string curve_secret_key;
  DeviceRegistry* devices = nullptr;
  // Refused handshakes and commands go to the event log as SECURITY_NOTICE
  // events, summed over this interval.
  SecurityTally* security = nullptr;
  // Connections refused for want of file descriptors (ZapHandler), for status.
  std::function<int64_t()> refused_no_room;
  // A registered device heard from less recently than this is listed as
  // silent in status (admins and managers).
  int silent_after_s = 60;
  // For status: how far the WAL checkpoints are behind. Null: not reported.
  const store::Checkpointer* checkpointer = nullptr;
  int security_summary_ms = 60000;
  // Makes commits durable off the reactor's thread; the store must then run
  // with SetCommitSync(false). Null: each COMMIT syncs (synchronous=FULL).
  store::WalSyncer* syncer = nullptr;
  // The catalog file (--config): `reload_catalog` and `*reload` (set by
  // SIGHUP) read it again and swap it in when the checks pass.
  std::string config_path;
  std::atomic<bool>* reload = nullptr;
  // Rebuilds the core from the database after a batch could not be written
  // for want of disk space (its events were rolled back). Null: such a
  // failure ends the process, as every other write failure does.
  std::function<Status(Millis now)> rebuild_core;
  // Free space below this on the database's file system is logged as a
  // warning and reported in status (0: no warning).
  int64_t disk_floor_bytes = 512LL << 20;
  // Called on every heartbeat (once a second) from the reactor's loop: the
  // service manager's watchdog (sd_notify WATCHDOG=1) hears the loop turn.
  std::function<void()> on_heartbeat;
  // Threads checking PINs (Argon2, 64 MiB each while it runs); 0: one per
  // core, at most PinPool::kMaxWorkers.
  int pin_threads = 0;
  // Cost of a new PIN's Argon2 hash; tests and the fuzzer use libsodium's
  // minimum (1, 8192) for speed.
  unsigned long long pin_opslimit = core::DefaultPinOpsLimit();
  size_t pin_memlimit = core::DefaultPinMemLimit();
  // Tests and the fuzzer only: the device key of a message, instead of the
  // ZAP User-Id property (which only a real CURVE connection carries).
  std::function<std::optional<std::string>(const zmq::message_t& frame)> user_id_of;
};

// "tcp://127.0.0.1:5555" -> "tcp://127.0.0.1:5556"; "tcp://h:*" -> "tcp://h:*".
StatusOr<std::string> DeriveEventEndpoint(const std::string& command_endpoint);

class Reactor {
 public:
  // All pointers must outlive the reactor.
  Reactor(zmq::context_t* context, const CatalogIndex* catalog, core::QueueCore* core,
          store::Store* store, const Clock* clock, ReactorOptions options);

  // Binds both sockets. Afterwards the actual endpoints (with real ports) are known.
  Status Bind();
  const std::string& bound_command_endpoint() const { return bound_command_; }
  const std::string& bound_event_endpoint() const { return bound_event_; }

  // Serves until `stop` becomes true (checked at least every 100 ms).
  void Run(const std::atomic<bool>& stop);

  // One message ([identity][frames...]) through the whole handling - frame
  // checks, parse, authorization, apply, commit - without sockets: the
  // fuzzer's entry (fuzz/broker_fuzz.cc). Returns the reply, or nullopt when
  // the message is dropped. Events are committed, not published.
  std::optional<std::string> HandleOne(std::vector<zmq::message_t> frames, Millis now);

  struct Counters {
    int64_t messages = 0;  // every message received, good or bad
    int64_t commits = 0;   // group commits
    int64_t committed_requests = 0;
    int64_t max_batch = 0;
    double commit_ms = 0;              // total time spent in COMMIT
    double handle_ms = 0;              // receiving, parsing, applying, writing rows
    double send_ms = 0;                // replies and publishing
    int64_t refused_commands = 0;      // not permitted for the sending device
    int64_t quarantines = 0;           // connections ignored for a second after bad input
    int64_t dropped_bad = 0;           // messages dropped unread while ignored
    int64_t event_rebinds = 0;         // event socket renewed after a revocation
    int64_t pin_retries_absorbed = 0;  // retries of a command a PIN thread still had
    int64_t replies_dropped = 0;       // to a connection whose queue was full (not reading)
    int64_t reads_refused = 0;         // over a connection's read budget, or it does not read
  };
  // Bad messages a connection may send in one second before it is ignored
  // (unread, unanswered) for the rest of that second.
  static constexpr int kBadPerSecond = 50;
  // Messages of ignored connections a batch drops before it serves the
  // requests it already holds.
  static constexpr int kDropsBeforeServing = 32;
  // Replies queued to one connection before further ones are dropped (the
  // client does not read them): with whole-hall snapshots of 0.1-0.5 MB,
  // 16 MB at most. Honest clients have one or a few requests out.
  static constexpr int kReplyQueue = 32;
  // Heavy reads (snapshot, catalog, device list, report) per connection: a
  // burst of kReadBurst, then kReadsPerSecond; the rest refused UNAVAILABLE.
  // A connection whose queue was full in the last kUnreadMs gets no heavy
  // read built at all.
  static constexpr double kReadBurst = 40;
  static constexpr double kReadsPerSecond = 20;
  static constexpr int kUnreadMs = 2000;
  const Counters& counters() const { return counters_; }

 private:
  struct Pending {
    zmq::message_t identity;
    std::string reply;  // serialized Envelope
  };

  // A sign_in or set_operator back from the PIN thread, with its Argon2 work.
  struct Resumed {
    std::string user;  // the device key it came with
    core::QueueCore::PinWork work;
  };

  void ServeBatch();
  // Commits a batch, then sends its replies and publishes its events - with a
  // syncer, once the commit and every one before it are synced.
  void Deliver(std::vector<Pending>& replies, std::vector<v1::Envelope>& events, bool began);
  // Sends replies and publishes events (committed and synced).
  void Send(std::vector<Pending>& replies, std::vector<v1::Envelope>& events);
  // Sends what the syncer's finished syncs cover, in order.
  void ReleaseSynced();
  // Who sent a message, as far as the broker knows (Identify).
  struct Caller {
    std::optional<std::string> user;  // the device's key (with keys)
    std::string name;                 // the device's name, else the client id: whom wrong PINs
                                      // count against
    bool sees_devices = true;         // admins and managers (everyone, without keys)
    core::Audience audience = core::Audience::kAdmin;  // what it may read
  };

  // One message from the command socket (or back from a PIN thread, with
  // `resumed`): its replies, and the events of what it changed.
  void HandleMessage(std::vector<zmq::message_t>& frames, std::vector<Pending>* replies,
                     std::vector<v1::Envelope>* events, bool* began, Millis now,
                     const Resumed* resumed = nullptr);
  // Answers `p` with a refusal.
  void Refuse(Pending p, const std::string& request_id, v1::ErrorCode code, const std::string& id,
              const std::string& en, std::vector<Pending>* replies, Millis now) const;
  // Fills `who` from the connection's key (ZAP User-Id in `frame`) and the
  // device registry, stamps the issuer on `in`; the refusal when the device
  // is unknown or may not do this.
  std::optional<core::Refusal> Identify(zmq::message_t& frame, const Resumed* resumed, Millis now,
                                        v1::Envelope* in, Caller* who);
  // A command: once per request id (a retry gets the stored reply), through a
  // PIN thread when it needs Argon2, applied and persisted in the batch.
  void HandleCommand(Pending p, const v1::Envelope& in, const Caller& who,
                     std::vector<Pending>* replies, std::vector<v1::Envelope>* events, bool* began,
                     Millis now, const Resumed* resumed);
  // True when the command went to a PIN thread (or was answered because one
  // is still busy with it); false when it needs none.
  bool SentToPinThread(Pending& p, const v1::Envelope& in, const Caller& who,
                       std::vector<Pending>* replies, Millis now);
  void ApplyCommand(Pending p, const v1::Envelope& in, const std::string& caller,
                    const std::string& reply_client, const std::string& digest,
                    std::vector<Pending>* replies, std::vector<v1::Envelope>* events, bool* began,
                    Millis now);
  // A read: rate-limited when heavy, reports to the report thread.
  void HandleRead(Pending p, const std::string& peer, const v1::Envelope& in, const Caller& who,
                  std::vector<Pending>* replies, Millis now);
  v1::Reply ApplyRead(const v1::Request& req, const Caller& who, Millis now);
  // True when applying `req` would run Argon2 (a sign-in the core would
  // check a PIN for, or a new PIN): work for the PIN thread.
  bool NeedsPinWork(const v1::Request& req, const std::string& caller, Millis now) const;
  void HandToPinThread(zmq::message_t identity, const std::string& user, const std::string& job_key,
                       const std::string& caller, const v1::Envelope& in,
                       std::vector<Pending>* replies, Millis now);
  void DeliverPins(int worker);
  // Where replies to a command are stored: the device's key and its client
  // id with keys, the client id without.
  std::string ReplyClient(const std::optional<std::string>& user,
                          const std::string& client_id) const;
  // The key of a command in pin_jobs_ (its reply client and request id).
  std::string PinJobKey(const std::optional<std::string>& user, const v1::Envelope& in) const;
  // An operator locked by this sign-in: a `security:` log line and notice.
  // Logs a refused sign-in; a device newly held for wrong PINs is also a
  // SECURITY_NOTICE naming it.
  void NoteSignIn(const v1::SignIn& sign_in, const core::Outcome& o, const std::string& caller,
                  Millis held_before, Millis now);
  std::string ErrorEnvelope(const std::string& request_id, v1::ErrorCode code,
                            const std::string& id, const std::string& en, Millis now) const;
  // `list_silent`: with the silent devices (for an admin or a manager).
  v1::Status MakeStatus(Millis now, bool list_silent) const;
  // Remembers when and from where a registered device was last heard.
  void NoteSeen(const std::string& device_name, zmq::message_t& frame, Millis now);
  void PublishHeartbeat(Millis now);
  // Hands a report request to the report thread (or answers why not).
  void ForwardReport(zmq::message_t identity, const v1::Envelope& in, v1::Envelope out,
                     std::vector<Pending>* replies, Millis now);
  void DeliverReports();
  // Writes the events the core just applied (the last `applied.size()` seqs)
  // into the open batch, beginning it if `*began` is false, and adds their
  // envelopes to `events`. Aborts when the store refuses: the log on disk is
  // the truth and a restart rebuilds from it.
  Status Persist(std::vector<v1::Event>& applied, Millis now, bool* began,
                 std::vector<v1::Envelope>* events);
  // A write of the batch failed. For want of disk space: rolls the batch
  // back, rebuilds the core from the database, answers every request of the
  // batch RESOURCE_EXHAUSTED and refuses commands until CheckDisk finds space
  // again. Any other failure ends the process (the state is rebuilt at
  // start, as before).
  void FailBatch(std::vector<Pending>* replies, std::vector<v1::Envelope>* events, bool* began,
                 const Status& st, Millis now);
  // Once a second: free space (warning below the floor) and, while the disk
  // is full, a probe write that ends the refusals when it succeeds.
  void CheckDisk(Millis now);
  std::string DiskFullEnvelope(const std::string& request_id, Millis now) const;
  // Commits events the core just applied outside any batch (a day change, a
  // catalog reload on SIGHUP, security notices) and publishes them.
  void CommitOnItsOwn(std::vector<v1::Event>& applied, Millis now);
  // Reads the catalog file again and applies it (QueueCore::ChangeCatalog);
  // the outcome's events are the caller's to persist.
  core::Outcome ReloadCatalogFile(Millis now);
  // SIGHUP: a reload outside any batch, committed and published.
  void ReloadOnSignal();
  // Commits and publishes the core's day change when the business day has
  // ended (docs/PROTOCOL.md, "The business day"); nothing otherwise. Runs
  // before every batch and on every turn of the loop, so no request is
  // handled on a day that has ended and a hall with no requests still
  // changes its day at midnight.
  void ChangeDayIfDue(Millis now);
  // Writes and publishes the security notices summed since the last call.
  void FlushSecurity();
  // Summarizes closed business days for reports once a day changes (and
  // retries a day a counter still held a ticket of), a few days per call.
  void SummarizeDays(Millis now);
  bool LogAllowed();
  // CURVE and ZAP on a broker socket when the broker has keys.
  Status Secure(zmq::socket_t& s) const;
  static void SetPubOptions(zmq::socket_t& s);
  // Grants each new subscriber the event topics of its device's audience
  // (broker/core/audience.h), whatever prefix it asked for.
  void AcceptSubscriptions();
  // Watches `s` for handshakes that fail before ZAP (into `reader`).
  void Monitor(zmq::socket_t& s, std::unique_ptr<zmq::socket_t>* reader);
  // Logs and sums the handshakes the monitors saw fail (once a second).
  void NoteFailedHandshakes(Millis now);
  // Publishes a committed event: one message per version its audiences see.
  void Publish(const v1::Envelope& ev);
  // Replaces the event socket by a fresh one on the same endpoint (after a
  // revocation): every subscriber must pass ZAP again.
  void RebindEvents();
  bool Quarantined(const std::string& peer);
  void CountBad(const std::string& peer);

  zmq::context_t* context_;
  const CatalogIndex* catalog_;
  core::QueueCore* core_;
  TokenSource token_source_;  // new tickets' tokens
  store::Store* store_;
  const Clock* clock_;
  ReactorOptions options_;
  zmq::socket_t router_;
  zmq::socket_t pub_;
  std::unique_ptr<ReportWorker> reports_;
  std::unique_ptr<PinPool> pins_;
  std::unique_ptr<zmq::socket_t> command_monitor_, event_monitor_;
  // Event topics granted to any subscriber of the current event socket
  // (never shrinks until the socket is renewed): sends to the others skipped.
  std::set<std::string> granted_;
  // Heavy-read budgets and the connections that do not read their replies,
  // by ROUTER identity (AllowHeavyRead); forgotten after a minute idle.
  struct ReadBudget {
    double tokens = kReadBurst;
    std::chrono::steady_clock::time_point last{};
  };
  std::unordered_map<std::string, ReadBudget> read_budgets_;
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> unread_peers_;
  int64_t dropped_logged_ = 0;  // replies_dropped at the last log line
  bool flood_seen_ = false;     // since the last memory trim
  // Whether `peer` may have a heavy read built now; false: refuse (or drop,
  // when `*drop`: it does not read).
  bool AllowHeavyRead(const std::string& peer, bool* drop);
  // Once a second: logs dropped replies, forgets idle budgets and, after a
  // flood has ended, gives freed memory back to the system.
  void TendFloods();
  bool disk_full_ = false;  // commands refused until a probe write succeeds
  bool disk_low_ = false;
  int64_t disk_free_ = -1;
  std::chrono::steady_clock::time_point next_low_warning_{};
  int monitors_made_ = 0;
  // Commands handed to the PIN threads and not yet answered, by reply client
  // and request id: a client's retry while its sign-in waits is not queued
  // again, only remembered as where the answer goes (the retry may come on a
  // new connection). Also: which device and counter ("caller#counter") have a
  // sign-in out (one each).
  struct PinJob {
    zmq::message_t identity;  // the latest connection that asked
    std::string caller;
  };
  std::unordered_map<std::string, PinJob> pin_jobs_;
  std::string no_pin_hash_;  // core::HashOfNoPin, made when first needed
  std::unordered_set<std::string> pin_callers_;
  std::string bound_command_;
  std::string bound_event_;
  std::chrono::steady_clock::time_point started_;
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> clients_seen_;
  // Registered devices (by name) heard from since start: when, and the
  // address (bounded by the registry: names of registered devices only).
  struct Seen {
    Millis at = 0;
    std::string address;
  };
  std::unordered_map<std::string, Seen> seen_;
  // Rate limit for logs about bad input: a budget per 10 s window.
  std::chrono::steady_clock::time_point log_window_;
  int log_budget_used_ = 0;
  std::string summarized_before_;  // the business day SummarizeDays last ran for
  std::chrono::steady_clock::time_point next_summary_retry_;
  int64_t log_suppressed_ = 0;
  struct BadPeer {
    std::chrono::steady_clock::time_point window;
    int count = 0;
  };
  std::unordered_map<std::string, BadPeer> bad_peers_;  // by ROUTER identity
  std::chrono::steady_clock::time_point last_quarantine_log_{};
  Counters counters_;
  // With a syncer: commits so far, and the replies and events waiting for a
  // sync, oldest first; `published_seq_` is the last event sent (heartbeats
  // must not announce a seq whose event is still held).
  uint64_t commit_generation_ = 0;
  struct Held {
    uint64_t generation;
    std::vector<Pending> replies;
    std::vector<v1::Envelope> events;
  };
  std::deque<Held> held_;
  uint64_t published_seq_ = 0;
  std::string published_day_;      // the business day as of published_seq_
  std::string published_catalog_;  // the catalog version as of published_seq_
  // Every catalog loaded by a reload: the core, the report thread and old
  // replies may still point at an older one, and a reload is rare.
  std::vector<std::unique_ptr<CatalogIndex>> loaded_catalogs_;
};

}  // namespace mpp::net
