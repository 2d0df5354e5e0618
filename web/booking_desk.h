// BookingDesk: mpp-web's appointment requests (list_slots, book,
// get_booking, cancel_booking) to the broker, on a thread of their own, so
// that an HTTP thread never waits for the broker: the server parks the
// visitor's request and `done` resumes it with the reply.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/job_thread.h"
#include "mpp/v1/mpp.pb.h"

namespace mpp::web {

class BookingDesk {
 public:
  struct Options {
    std::string broker = "tcp://127.0.0.1:5555";
    std::string client_id = "web-booking";
    int timeout_ms = 3000;
  };
  // The broker's reply (a refusal is a reply); nullopt when it did not answer.
  using Done = std::function<void(std::optional<v1::Reply>)>;

  explicit BookingDesk(Options options);
  ~BookingDesk() { Stop(); }
  BookingDesk(const BookingDesk&) = delete;
  BookingDesk& operator=(const BookingDesk&) = delete;

  void Start();
  // Finishes the request in hand; those still queued are dropped (the
  // server's Stop has resumed their visitors' requests).
  void Stop();
  // `request_id`: a booking form's nonce, so that the same form sent twice
  // (a double tap, a retry) gets the first booking back (docs/PROTOCOL.md
  // section 4); empty: a fresh id.
  void Submit(v1::Request request, std::string request_id, Done done);

 private:
  struct Job {
    v1::Request request;
    std::string request_id;
    std::shared_ptr<const Done> done;  // (a bare std::function in an optional trips gcc 12)
  };
  void Run();

  const Options options_;
  JobThread<Job, int> jobs_;
};

}  // namespace mpp::web
