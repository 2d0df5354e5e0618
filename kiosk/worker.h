// KioskWorker: the kiosk's network and printer thread, so the touch screen
// never waits on a socket or a printer.
//
// It fetches the catalog once, polls a snapshot every `poll_ms` (availability,
// waiting counts and estimates per service), carries out the model's jobs in
// order, and posts results for the UI thread, which applies them with Apply().
//
// Work that nobody waits for runs in the background until the broker answers:
// an abandoned issue (resolved with its own request id; a ticket nobody took
// is cancelled), and print reports (a failed print is recorded on the ticket;
// a later successful reprint clears it). Visitors' jobs always go first.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "common/job_thread.h"
#include "common/number_watch.h"
#include "kiosk/model.h"
#include "kiosk/printer.h"

namespace mpp {
class BrokerClient;
}  // namespace mpp

namespace mpp::kiosk {

class KioskWorker {
 public:
  struct Options {
    std::string broker = "tcp://127.0.0.1:5555";
    std::string client_id = "kiosk-1";
    int poll_ms = 2000;
    int issue_timeout_ms = 4000;  // then the visitor sees "Coba lagi"
    int background_retry_ms = 3000;
  };
  struct Result {
    enum class Kind { kCatalog, kSnapshot, kUnreachable, kIssue, kPrint };
    explicit Result(Kind k) : kind(k) {}
    Kind kind;
    v1::Catalog catalog;
    v1::Snapshot snapshot;
    std::string request_id;
    std::optional<v1::Envelope> reply;  // kIssue: empty when the broker did not answer
    int64_t ticket_id = 0;
    Status status;
  };

  // `wake` is called from the worker thread after each result (glfwPostEmptyEvent).
  KioskWorker(Options options, std::unique_ptr<Printer> printer, std::function<void()> wake);
  ~KioskWorker();
  KioskWorker(const KioskWorker&) = delete;
  KioskWorker& operator=(const KioskWorker&) = delete;

  void Start();
  void Stop();  // finishes the job in hand; background work still open is logged
  void Submit(std::vector<Job> jobs);
  std::vector<Result> TakeResults();
  // Applies results on the UI thread.
  static void Apply(const std::vector<Result>& results, KioskModel* model, int64_t local_ms);

 private:
  struct Background {
    enum class Kind { kResolveAbandoned, kCancel, kReportPrint } kind;
    std::string request_id;
    v1::Request request;
  };
  void Run();
  void Post(Result result) { jobs_.Post(std::move(result)); }
  void Handle(const Job& job);
  void Poll();
  void RunBackground();

  Options options_;
  NumberWatch numbers_;  // worker thread only
  std::unique_ptr<Printer> printer_;
  JobThread<Job, Result> jobs_;
  // Worker thread only:
  BrokerClient* client_ = nullptr;
  bool have_catalog_ = false;
  std::string catalog_version_;  // of the catalog fetched last
  bool next_poll_now_ = false;   // the catalog changed: poll again at once
  std::vector<Background> background_;
  std::vector<int64_t> failed_prints_;  // tickets whose failure the broker has recorded
};

}  // namespace mpp::kiosk
