// PipeWorker: a thread of the broker that serves the reactor over an inproc
// PAIR socket, one multipart message at a time in arrival order - the report
// thread and the PIN thread, whose work would stall the reactor.
//
// The reactor owns pipe() and sends with dontwait: when `max_queued` messages
// wait, the send fails and the reactor answers UNAVAILABLE at once.
//
// The thread answers on the pipe and then bumps answered_fd(), an eventfd the
// reactor polls as a plain file descriptor: polling the pipe itself would make
// every zmq_poll pass ask it for ZMQ_EVENTS (two system calls per socket,
// twice per request at one client) for answers that come a few times a day.
#pragma once

#include <atomic>
#include <initializer_list>
#include <string>
#include <string_view>
#include <thread>
#include <vector>
#include <zmq.hpp>

namespace mpp::net {

class PipeWorker {
 public:
  virtual ~PipeWorker();
  PipeWorker(const PipeWorker&) = delete;
  PipeWorker& operator=(const PipeWorker&) = delete;

  // The reactor's end of the pipe (owned by the reactor's thread).
  zmq::socket_t& pipe() { return pipe_; }
  // Readable once an answer waits on pipe(). Call TakeAnswered() before
  // reading pipe() until it has nothing left, so no answer goes unnoticed.
  int answered_fd() const { return answered_fd_; }
  void TakeAnswered();
  // Hands one job to the thread: [identity][parts...], never blocking.
  // False when kMaxQueued jobs wait (or the pipe fails): answer UNAVAILABLE.
  bool Offer(const zmq::message_t& identity, std::initializer_list<std::string_view> parts);

 protected:
  // Binds `endpoint` (inproc://...) for the reactor's side.
  PipeWorker(zmq::context_t* context, std::string endpoint, int max_queued);
  // Starts the thread, named `thread_name` (at most 15 characters, as top -H
  // and perf show it): the last thing a derived constructor does.
  void Start(const char* thread_name);
  // Stops and joins the thread: the first thing a derived destructor does, so
  // Serve never runs on a half-destroyed object.
  void Stop();
  // Handles one message from the reactor; answers it on `sock`.
  virtual void Serve(zmq::socket_t& sock, std::vector<zmq::message_t>& frames) = 0;

 private:
  void Run(zmq::socket_t& sock);

  zmq::context_t* context_;
  std::string endpoint_;
  int max_queued_;
  zmq::socket_t pipe_;
  int answered_fd_ = -1;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace mpp::net
