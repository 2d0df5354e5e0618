#include "broker/net/pipe_worker.h"

#include <pthread.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <chrono>
#include <zmq_addon.hpp>

namespace mpp::net {

PipeWorker::PipeWorker(zmq::context_t* context, std::string endpoint, int max_queued)
    : context_(context),
      endpoint_(std::move(endpoint)),
      max_queued_(max_queued),
      pipe_(*context_, zmq::socket_type::pair) {
  pipe_.set(zmq::sockopt::linger, 0);
  pipe_.set(zmq::sockopt::sndhwm, max_queued_);
  pipe_.bind(endpoint_);  // inproc: bind before the thread connects
  answered_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (answered_fd_ < 0) throw zmq::error_t();  // errno says why; Bind reports it
}

PipeWorker::~PipeWorker() {
  Stop();
  if (answered_fd_ >= 0) close(answered_fd_);
}

void PipeWorker::TakeAnswered() {
  uint64_t n;
  (void)!read(answered_fd_, &n, sizeof n);  // EAGAIN: nothing to take
}

bool PipeWorker::Offer(const zmq::message_t& identity,
                       std::initializer_list<std::string_view> parts) {
  zmq::message_t id_copy(identity.data(), identity.size());
  try {
    if (!pipe_.send(id_copy, zmq::send_flags::sndmore | zmq::send_flags::dontwait)) return false;
    size_t left = parts.size();
    for (std::string_view part : parts) {
      pipe_.send(zmq::buffer(part), --left ? zmq::send_flags::sndmore : zmq::send_flags::none);
    }
    return true;
  } catch (const zmq::error_t& e) {
    spdlog::warn("cannot hand a job to {}: {}", endpoint_, e.what());
    return false;
  }
}

void PipeWorker::Start(const char* thread_name) {
  // Connected here, before the first job can be offered: a PAIR with no peer
  // yet refuses a send (EAGAIN), which Offer would report as "busy" to the
  // first operator signing in after a start. The socket then moves to the
  // thread (thread creation is the full memory barrier ZeroMQ asks for).
  zmq::socket_t sock(*context_, zmq::socket_type::pair);
  sock.set(zmq::sockopt::linger, 0);
  sock.set(zmq::sockopt::rcvhwm, max_queued_);
  sock.connect(endpoint_);
  thread_ = std::thread([this, thread_name, s = std::move(sock)]() mutable {
    pthread_setname_np(pthread_self(), thread_name);
    Run(s);
  });
}

void PipeWorker::Stop() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
}

void PipeWorker::Run(zmq::socket_t& sock) {
  while (!stop_.load()) {
    zmq::pollitem_t item{sock.handle(), 0, ZMQ_POLLIN, 0};
    zmq::poll(&item, 1, std::chrono::milliseconds(100));
    if (!(item.revents & ZMQ_POLLIN)) continue;
    std::vector<zmq::message_t> frames;
    if (!zmq::recv_multipart(sock, std::back_inserter(frames), zmq::recv_flags::dontwait)) continue;
    Serve(sock, frames);
    const uint64_t one = 1;
    (void)!write(answered_fd_, &one, sizeof one);  // after the answer is on the pipe
  }
}

}  // namespace mpp::net
