// The reactor with a WAL syncer: nothing of a batch - its replies, its events,
// or any reply that comes after it - leaves before the WAL sync covering its
// COMMIT has finished. A real reactor on loopback TCP and a real SQLite file;
// only the sync is held back by the test.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <future>
#include <thread>
#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "broker/core/queue_core.h"
#include "testing/test_catalog.h"
#include "broker/net/reactor.h"
#include "broker/store/store.h"
#include "broker/store/wal_syncer.h"
#include "common/catalog.h"
#include "common/client.h"
#include "common/wire.h"
#include "testing/sync_gate.h"
#include "testing/temp_dir.h"

namespace mpp::net {
namespace {

TEST(ReactorWithSyncer, NothingOfABatchLeavesBeforeItsWalSync) {
  mpp::testing::TempDir dir;
  const std::string db = dir.File("mpp.db");
  CatalogIndex index(ParseCatalog(mpp::testing::kTestCatalog, "test.toml").value());
  core::QueueCore core(&index);
  auto store = store::Store::Open(db);
  ASSERT_TRUE(store.ok()) << store.status().message();
  mpp::testing::SyncGate gate;
  auto syncer = store::WalSyncer::Start(db, [&](int fd) { return gate.Sync(fd); });
  ASSERT_TRUE(syncer.ok()) << syncer.status().message();
  ASSERT_TRUE(store.value()->SetCommitSync(false).ok());
  ScaledClock clock(*ParseIsoTime("2026-11-30T09:00:00+07:00", 420), 1.0);  // Monday, open
  zmq::context_t context(1);
  ReactorOptions options;
  options.command_endpoint = "tcp://127.0.0.1:*";
  options.event_endpoint = "tcp://127.0.0.1:*";
  options.syncer = syncer.value().get();
  Reactor reactor(&context, &index, &core, store.value().get(), &clock, options);
  ASSERT_TRUE(reactor.Bind().ok());
  std::atomic<bool> stop{false};
  std::thread run([&] { reactor.Run(stop); });
  // Also when an ASSERT below returns early: no sync stays held, the reactor
  // stops (a joinable std::thread would terminate the whole test binary).
  struct Finally {
    std::function<void()> f;
    ~Finally() { f(); }
  } finally{[&] {
    gate.Release();
    stop.store(true);
    if (run.joinable()) run.join();
  }};

  zmq::socket_t sub(context, zmq::socket_type::sub);
  sub.set(zmq::sockopt::linger, 0);
  sub.set(zmq::sockopt::subscribe, std::string(kTopicEvent));
  sub.connect(reactor.bound_event_endpoint());
  auto next_event = [&](int timeout_ms) -> std::optional<v1::Envelope> {
    zmq::pollitem_t item{sub.handle(), 0, ZMQ_POLLIN, 0};
    if (zmq::poll(&item, 1, std::chrono::milliseconds(timeout_ms)) <= 0) return std::nullopt;
    std::vector<zmq::message_t> frames;
    (void)zmq::recv_multipart(sub, std::back_inserter(frames));
    v1::Envelope env;
    if (frames.size() != 2 || !env.ParseFromArray(frames[1].data(), frames[1].size()))
      return std::nullopt;
    return env;
  };
  v1::Request issue;
  issue.mutable_issue()->set_service("S1");
  BrokerClient kiosk(&context, reactor.bound_command_endpoint(), "kiosk-1");
  BrokerClient display(&context, reactor.bound_command_endpoint(), "display-1");

  // Unheld, issues go through until one shows the subscriber is connected
  // (an event published before the subscription arrived is not delivered).
  bool subscribed = false;
  int last_seq_no = 0;
  for (int i = 0; i < 20 && !subscribed; ++i) {
    auto first = kiosk.Call(issue);
    ASSERT_TRUE(first.ok()) << first.status().message();
    last_seq_no = first->reply().ticket().seq_no();
    subscribed = next_event(250).has_value();
  }
  ASSERT_TRUE(subscribed);

  // Held: the issue is committed, but its reply and event wait; so does a
  // status request that comes after it and commits nothing.
  gate.Hold();
  auto issued = std::async(std::launch::async, [&] { return kiosk.Call(issue); });
  ASSERT_TRUE(gate.WaitEntered(1));
  v1::Request status;
  status.mutable_status();
  auto asked = std::async(std::launch::async, [&] { return display.Call(status); });
  // The next event of the held issue (a late one of the warm-up is not it).
  auto held_event = [&](int timeout_ms) -> std::optional<v1::Envelope> {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (true) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      auto e = next_event(static_cast<int>(std::max<int64_t>(left.count(), 0)));
      if (!e || e->event().ticket().seq_no() > last_seq_no) return e;
    }
  };
  // A window in which anything sent early would arrive (loopback: well under 1 ms).
  EXPECT_FALSE(held_event(300).has_value()) << "an event left before its WAL sync";
  EXPECT_EQ(issued.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout)
      << "a reply left before its WAL sync";
  EXPECT_EQ(asked.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout)
      << "a later reply overtook a batch waiting for its sync";

  gate.Release();
  auto reply = issued.get();
  ASSERT_TRUE(reply.ok()) << reply.status().message();
  EXPECT_EQ(reply->reply().error().code(), v1::OK);
  EXPECT_EQ(reply->reply().ticket().seq_no(), last_seq_no + 1);
  auto event = held_event(5000);
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->event().ticket().id(), reply->reply().ticket().id());
  auto status_reply = asked.get();
  ASSERT_TRUE(status_reply.ok());
  EXPECT_GE(status_reply->seq(), event->seq());

  finally.f();
  EXPECT_GE(syncer.value()->syncs(), 2);
}

}  // namespace
}  // namespace mpp::net
