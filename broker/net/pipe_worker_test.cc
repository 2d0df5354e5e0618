// PipeWorker: the pipe to the worker thread is ready when the worker's
// constructor returns, so the first job - an operator signing in right after
// the broker started - is taken, never refused as "busy".
#include "broker/net/pipe_worker.h"

#include <gtest/gtest.h>
#include <poll.h>

#include <zmq_addon.hpp>

namespace mpp::net {
namespace {

// Answers every job with its own frames.
class EchoWorker : public PipeWorker {
 public:
  EchoWorker(zmq::context_t* context, int n)
      : PipeWorker(context, "inproc://pipe-worker-test-" + std::to_string(n), 4) {
    Start("mpp-test-echo");
  }
  ~EchoWorker() override { Stop(); }

 private:
  void Serve(zmq::socket_t& sock, std::vector<zmq::message_t>& frames) override {
    zmq::send_multipart(sock, frames);
  }
};

TEST(PipeWorker, AJobOfferedTheMomentItStartsIsTaken) {
  zmq::context_t context(1);
  for (int round = 0; round < 20; ++round) {  // each a fresh thread, offered at once
    EchoWorker worker(&context, round);
    zmq::message_t identity("client-1", 8);
    ASSERT_TRUE(worker.Offer(identity, {"job"})) << "round " << round;
    pollfd answered{worker.answered_fd(), POLLIN, 0};
    ASSERT_EQ(::poll(&answered, 1, 5000), 1) << "round " << round;
    worker.TakeAnswered();
    std::vector<zmq::message_t> frames;
    ASSERT_TRUE(
        zmq::recv_multipart(worker.pipe(), std::back_inserter(frames), zmq::recv_flags::dontwait));
    ASSERT_EQ(frames.size(), 2u);
    EXPECT_EQ(frames[0].to_string(), "client-1");
    EXPECT_EQ(frames[1].to_string(), "job");
  }
}

}  // namespace
}  // namespace mpp::net
