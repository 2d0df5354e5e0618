// mpp-load: load generator and latency probe for a real broker.
//
//   mpp-load [--broker URL | --spawn] [--clients 1,16,64] [--ops 20000]
//            [--subscribers 1,200] [--calls 300] [--fsync-floor] [--ceiling]
//            [--warmup 20000]
//
// --spawn starts build/mpp-broker itself on a fresh SQLite file (in a temp
// folder) with the sample catalog and a Monday-morning clock, so the numbers
// include real fsyncs. Results are printed as Markdown rows for
// docs/BENCHMARKS.md. This is a measurement, not a test: it asserts nothing.
#include <signal.h>
#include <sodium.h>
#include <sqlite3.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <thread>
#include <vector>
#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "bench/targets.h"
#include "common/cli.h"
#include "common/client.h"
#include "common/wire.h"
#include "testing/spawn_broker.h"

namespace {

namespace v1 = mpp::v1;
using Clock = std::chrono::steady_clock;
using mpp::bench::EventFigures;
using mpp::bench::IssueFigures;

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5));
  return v[i];
}

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

struct Spawned {
  pid_t pid = -1;
  std::string command, events;
  std::filesystem::path dir;
};

Spawned SpawnBroker(const std::string& bin, const std::string& config) {
  Spawned s;
  s.dir = std::filesystem::temp_directory_path() / ("mpp-load-" + std::to_string(getpid()));
  std::filesystem::create_directories(s.dir);
  int out = -1;
  s.pid = mpp::testing::SpawnWithStdoutPipe(
      {bin, "--config", config, "--db", (s.dir / "mpp.db").string(), "--endpoint",
       "tcp://127.0.0.1:*", "--clock-start", "2026-11-30T09:00:00+07:00", "--log-level", "warn",
       "--init"},
      {}, "", &out);
  if (s.pid > 0) {
    (void)mpp::testing::WaitForReadyLine(out, std::chrono::seconds(60), &s.command, &s.events);
  }
  return s;
}

// CPU seconds (user + system) `pid` has used so far, all threads or only its
// main thread (the broker's reactor), from /proc; -1 when unknown (a broker
// this process did not start).
double CpuSeconds(pid_t pid, bool main_thread_only = false) {
  if (pid <= 0) return -1;
  const std::string proc = "/proc/" + std::to_string(pid);
  std::ifstream in(main_thread_only ? proc + "/task/" + std::to_string(pid) + "/stat"
                                    : proc + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t close = text.rfind(')');  // the command name may hold spaces
  if (close == std::string::npos) return -1;
  std::istringstream fields(text.substr(close + 2));
  std::string f;
  long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> f; ++i) {  // fields 14 and 15: utime, stime
    if (i == 14) utime = std::atoll(f.c_str());
    if (i == 15) stime = std::atoll(f.c_str());
  }
  return static_cast<double>(utime + stime) / sysconf(_SC_CLK_TCK);
}

const char* const kLoadServices[] = {"SKCK-PANJANG", "PASPOR-GANTI", "INFO-PENGADUAN"};  // no quota

// One thread per client, each blocked in BrokerClient::Call like a kiosk's
// network thread: on two cores the load generator's thread switches then cost
// more CPU per op than the broker does.
void DriveThreadPerClient(zmq::context_t* ctx, const std::string& endpoint, int clients,
                          int per_client, std::vector<std::vector<double>>* lat,
                          std::vector<int>* errors) {
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      mpp::BrokerClient client(ctx, endpoint, "load-" + std::to_string(c));
      for (int i = 0; i < per_client; ++i) {
        v1::Request r;
        r.mutable_issue()->set_service(kLoadServices[(c + i) % 3]);
        r.mutable_issue()->set_source(v1::KIOSK);
        const auto t0 = Clock::now();
        auto env = client.Call(r);
        if (!env.ok() || env->reply().error().code() != v1::OK) {
          ++(*errors)[c];
          continue;
        }
        (*lat)[c].push_back(Ms(Clock::now() - t0));
      }
    });
  }
  for (auto& t : threads) t.join();
}

// The same clients - each its own DEALER connection with one request in
// flight, the next sent when its reply arrives - driven from one thread that
// waits with epoll on the sockets' ZMQ_FDs and reads only those that
// signalled. What the broker sees is the same; the generator needs a fraction
// of the CPU, which on two shared cores is left to the broker.
void DriveFromOneThread(zmq::context_t* ctx, const std::string& endpoint, int clients,
                        int per_client, std::vector<std::vector<double>>* lat,
                        std::vector<int>* errors) {
  struct Conn {
    zmq::socket_t socket;
    std::string client_id, request_id;
    Clock::time_point t0;
    int done = 0;
  };
  std::vector<Conn> conns;
  conns.reserve(clients);
  const int ep = epoll_create1(EPOLL_CLOEXEC);
  auto send = [&](int c) {
    Conn& k = conns[c];
    v1::Envelope env;
    k.request_id = mpp::NewRequestId();
    env.set_request_id(k.request_id);
    env.set_client_id(k.client_id);
    env.mutable_request()->mutable_issue()->set_service(kLoadServices[(c + k.done) % 3]);
    env.mutable_request()->mutable_issue()->set_source(v1::KIOSK);
    const std::string payload = env.SerializeAsString();
    k.t0 = Clock::now();
    k.socket.send(zmq::buffer(mpp::kProtocolTag), zmq::send_flags::sndmore);
    k.socket.send(zmq::buffer(payload), zmq::send_flags::none);
  };
  for (int c = 0; c < clients; ++c) {
    conns.push_back(Conn{zmq::socket_t(*ctx, zmq::socket_type::dealer), "load-" + std::to_string(c),
                         "", Clock::time_point(), 0});
    conns.back().socket.set(zmq::sockopt::linger, 0);
    conns.back().socket.connect(endpoint);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u32 = static_cast<uint32_t>(c);
    epoll_ctl(ep, EPOLL_CTL_ADD, conns.back().socket.get(zmq::sockopt::fd), &ev);
  }
  int finished = 0;
  auto drain = [&](int c) {
    Conn& k = conns[c];
    std::vector<zmq::message_t> frames;
    while (k.done < per_client && (k.socket.get(zmq::sockopt::events) & ZMQ_POLLIN)) {
      frames.clear();
      if (!zmq::recv_multipart(k.socket, std::back_inserter(frames), zmq::recv_flags::dontwait))
        break;
      const auto at = Clock::now();
      v1::Envelope reply;
      if (frames.size() != 2 || !reply.ParseFromArray(frames[1].data(), frames[1].size()) ||
          reply.request_id() != k.request_id) {
        continue;
      }
      if (reply.reply().error().code() == v1::OK) {
        (*lat)[c].push_back(Ms(at - k.t0));
      } else {
        ++(*errors)[c];
      }
      if (++k.done == per_client) {
        ++finished;
      } else {
        send(c);
      }
    }
  };
  for (int c = 0; c < clients; ++c) send(c);
  std::vector<epoll_event> ready(clients);
  auto progress = Clock::now();
  while (finished < clients) {
    const int n = epoll_wait(ep, ready.data(), clients, 100);
    if (n > 0) progress = Clock::now();
    for (int j = 0; j < n; ++j) drain(static_cast<int>(ready[j].data.u32));
    if (Clock::now() - progress > std::chrono::seconds(10)) {  // the broker stopped answering
      for (auto& k : conns) (*errors)[&k - conns.data()] += per_client - k.done;
      break;
    }
  }
  close(ep);
}

// `broker_pid` > 0 (--spawn): also reports the broker's own CPU per op, what
// it would need from cores of its own with the load generator elsewhere, and
// its reactor thread's share (one thread: at most 1/that ops per second).
IssueFigures RunIssueLoad(const std::string& endpoint, int clients, int total_ops, pid_t broker_pid,
                          bool thread_per_client, const char* label = "issue (durable)") {
  std::vector<std::vector<double>> lat(clients);
  std::vector<int> errors(clients, 0);
  const int per_client = std::max(1, total_ops / clients);
  for (auto& l : lat) l.reserve(per_client);
  zmq::context_t ctx(1);  // one I/O thread for all clients: the machine has 2 cores
  const double cpu0 = CpuSeconds(broker_pid), reactor0 = CpuSeconds(broker_pid, true);
  const double own0 = CpuSeconds(getpid());
  const auto start = Clock::now();
  if (thread_per_client) {
    DriveThreadPerClient(&ctx, endpoint, clients, per_client, &lat, &errors);
  } else {
    DriveFromOneThread(&ctx, endpoint, clients, per_client, &lat, &errors);
  }
  const double secs = std::chrono::duration<double>(Clock::now() - start).count();
  const double cpu = cpu0 < 0 ? -1 : CpuSeconds(broker_pid) - cpu0;
  const double reactor = reactor0 < 0 ? -1 : CpuSeconds(broker_pid, true) - reactor0;
  const double own = CpuSeconds(getpid()) - own0;
  std::vector<double> all;
  int errs = 0;
  for (int c = 0; c < clients; ++c) {
    all.insert(all.end(), lat[c].begin(), lat[c].end());
    errs += errors[c];
  }
  std::string broker_cpu;
  if (!all.empty()) {
    char buf[128];
    if (cpu >= 0) {
      std::snprintf(buf, sizeof buf, " broker CPU %.0f us/op (reactor thread %.0f) |",
                    cpu * 1e6 / all.size(), reactor * 1e6 / all.size());
      broker_cpu = buf;
    }
    std::snprintf(buf, sizeof buf, " clients' CPU %.0f us/op |", own * 1e6 / all.size());
    broker_cpu += buf;
  }
  std::printf(
      "| %s | %d clients | %zu ops | %.0f ops/s | p50 %.3f ms | p99 %.3f ms | "
      "errors %d |%s\n",
      label, clients, all.size(), all.size() / secs, Percentile(all, 0.50), Percentile(all, 0.99),
      errs, broker_cpu.c_str());
  std::fflush(stdout);
  return {clients, all.size() / secs, Percentile(all, 0.50), Percentile(all, 0.99), errs};
}

// A server that answers every request with the request itself, at once (the
// client takes it as an OK reply: same request_id, no error): what this
// machine's load generator and ZeroMQ alone can do - the ceiling for any
// broker measured from the same two cores.
class EchoServer {
 public:
  EchoServer() : socket_(ctx_, zmq::socket_type::router) {
    socket_.set(zmq::sockopt::linger, 0);
    socket_.set(zmq::sockopt::rcvtimeo, 100);
    socket_.bind("tcp://127.0.0.1:*");
    endpoint_ = socket_.get(zmq::sockopt::last_endpoint);
    thread_ = std::thread([this] {
      while (!stop_.load()) {
        std::vector<zmq::message_t> frames;
        if (!zmq::recv_multipart(socket_, std::back_inserter(frames))) continue;
        zmq::send_multipart(socket_, frames, zmq::send_flags::dontwait);
      }
    });
  }
  ~EchoServer() {
    stop_.store(true);
    thread_.join();
  }
  const std::string& endpoint() const { return endpoint_; }

 private:
  zmq::context_t ctx_{1};
  zmq::socket_t socket_;
  std::string endpoint_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// An honest kiosk's issue latency, alone and while one hostile client sends
// garbage frames (random bytes after the MPP1 tag, wrong tags, wrong frame
// counts) as fast as it can on its own connection. With `to_sink` the flood
// goes to a ROUTER in this process that receives and drops every message
// instead: the control, what the flood costs the honest client on this
// machine whatever the broker does with it.
// The broker's resident memory now and at its peak (VmRSS, VmHWM), in MB.
std::pair<double, double> BrokerRssMb(pid_t pid) {
  if (pid <= 0) return {-1, -1};
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  double rss = -1, hwm = -1;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) rss = std::atof(line.c_str() + 6) / 1024;
    if (line.rfind("VmHWM:", 0) == 0) hwm = std::atof(line.c_str() + 6) / 1024;
  }
  return {rss, hwm};
}

// `kind` "snapshots": the hostile client sends valid snapshot requests as
// fast as it can and never reads a reply (each reply is the whole hall).
void RunFlood(const std::string& endpoint, int ops, bool to_sink, const std::string& kind,
              pid_t broker_pid) {
  const bool snapshots = kind == "snapshots";
  auto honest = [&](const char* label, int64_t* flood_sent) {
    zmq::context_t ctx(1);
    mpp::BrokerClient client(&ctx, endpoint, flood_sent ? "honest-flooded" : "honest-alone");
    std::vector<double> lat;
    int errors = 0;
    for (int i = 0; i < ops; ++i) {
      v1::Request r;
      r.mutable_issue()->set_service("INFO-PENGADUAN");
      r.mutable_issue()->set_source(v1::KIOSK);
      const auto t0 = Clock::now();
      auto env = client.Call(r);
      if (!env.ok() || env->reply().error().code() != v1::OK) {
        if (errors++ == 0) {
          std::fprintf(stderr, "mpp-load: first error: %s\n",
                       env.ok() ? env->reply().error().message_en().c_str()
                                : env.status().message().c_str());
        }
        continue;
      }
      lat.push_back(Ms(Clock::now() - t0));
    }
    std::printf("| honest issue, %s | %zu ops | p50 %.3f ms | p99 %.3f ms | errors %d |", label,
                lat.size(), Percentile(lat, 0.50), Percentile(lat, 0.99), errors);
    std::printf("\n");
    std::fflush(stdout);
  };
  honest("no flood", nullptr);
  std::atomic<bool> stop{false};
  std::atomic<int64_t> sent{0};
  zmq::context_t sink_ctx(1);
  zmq::socket_t sink(sink_ctx, zmq::socket_type::router);
  std::string flood_endpoint = endpoint;
  if (to_sink) {
    sink.set(zmq::sockopt::linger, 0);
    sink.set(zmq::sockopt::rcvtimeo, 100);
    sink.bind("tcp://127.0.0.1:*");
    flood_endpoint = sink.get(zmq::sockopt::last_endpoint);
  }
  std::thread drain([&] {
    while (to_sink && !stop.load()) {
      std::vector<zmq::message_t> frames;
      (void)zmq::recv_multipart(sink, std::back_inserter(frames));
    }
  });
  std::thread flood([&] {
    zmq::context_t ctx(1);
    zmq::socket_t s(ctx, zmq::socket_type::dealer);
    s.set(zmq::sockopt::linger, 0);
    s.set(zmq::sockopt::sndhwm, 1000);
    s.set(zmq::sockopt::rcvhwm, 1);  // reads nothing: the broker's queue to it fills
    s.connect(flood_endpoint);
    std::mt19937_64 rng(7);
    std::string junk(200, '\0');
    while (snapshots && !stop.load()) {
      v1::Envelope e;
      e.set_client_id("flood");
      e.set_request_id("f" + std::to_string(sent.load()));
      e.mutable_request()->mutable_snapshot();
      const std::string body = e.SerializeAsString();
      if (s.send(zmq::buffer(mpp::kProtocolTag),
                 zmq::send_flags::sndmore | zmq::send_flags::dontwait)
              .has_value()) {
        s.send(zmq::buffer(body), zmq::send_flags::none);
        ++sent;
      } else {
        std::this_thread::sleep_for(std::chrono::microseconds(100));
      }
    }
    while (!stop.load()) {
      for (auto& ch : junk) ch = static_cast<char>(rng());
      bool ok;
      switch (sent.load() % 3) {
        case 0:  // the right tag, garbage envelope
          ok = s.send(zmq::buffer(mpp::kProtocolTag),
                      zmq::send_flags::sndmore | zmq::send_flags::dontwait)
                   .has_value();
          if (ok) s.send(zmq::buffer(junk), zmq::send_flags::none);
          break;
        case 1:  // a wrong tag
          ok = s.send(zmq::buffer(junk.substr(0, 4)),
                      zmq::send_flags::sndmore | zmq::send_flags::dontwait)
                   .has_value();
          if (ok) s.send(zmq::buffer(junk), zmq::send_flags::none);
          break;
        default:  // one frame only
          ok = s.send(zmq::buffer(junk), zmq::send_flags::dontwait).has_value();
      }
      if (ok) ++sent;
      // Drain the error replies so the broker's queue to us never blocks.
      zmq::message_t m;
      while (s.recv(m, zmq::recv_flags::dontwait)) {
      }
    }
  });
  int64_t before = 0;
  const int64_t warm = snapshots ? 2000 : 20000;
  while ((before = sent.load()) < warm) std::this_thread::yield();  // the flood is on
  int64_t during = 0;
  const auto t0 = Clock::now();
  honest(to_sink ? (snapshots ? "during a flood of snapshot requests to another receiver (control)"
                              : "during a flood of garbage to another receiver (control)")
         : snapshots ? "during a flood of unread snapshot requests to the broker"
                     : "during a flood of garbage to the broker",
         &during);
  during = sent.load() - before;
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  const auto [rss_during, peak] = BrokerRssMb(broker_pid);
  stop.store(true);
  flood.join();
  drain.join();
  std::printf("| flood | %lld %s in %.1f s (%.0f/s) while the honest client ran |\n",
              static_cast<long long>(during), snapshots ? "snapshot requests" : "bad messages",
              secs, during / secs);
  if (broker_pid > 0) {
    // After the flooding client has gone: is the memory given back?
    std::this_thread::sleep_for(std::chrono::seconds(3));
    const auto [rss_after, peak_after] = BrokerRssMb(broker_pid);
    std::printf(
        "| broker memory | RSS %.0f MB during the flood, peak %.0f MB, %.0f MB 3 s after |\n",
        rss_during, std::max(peak, peak_after), rss_after);
  }
}

// Latency from a counter's call to each of `subs` subscribers receiving it.
// Subscribers spread over `threads` threads, each with its own context (and
// so its own I/O thread), as displays are separate machines: one thread
// sweeping 200 sockets measures its own sweep more than the broker. Each
// message is timed as soon as it is received, before it is parsed.
class Receivers {
 public:
  using Accept = std::function<bool(const v1::Envelope&)>;

  Receivers(const std::string& events, int subs, int threads) : got_(subs, false) {
    threads = std::max(1, std::min(threads, subs));
    for (int t = 0; t < threads; ++t) {
      std::vector<int> mine;
      for (int i = t; i < subs; i += threads) mine.push_back(i);
      workers_.emplace_back([this, events, mine] { Run(events, mine); });
    }
  }
  ~Receivers() {
    stop_.store(true);
    for (auto& w : workers_) w.join();
  }
  // From now on each subscriber waits for one event `accept` takes; its
  // latency is counted from `t0`.
  void Arm(Accept accept, Clock::time_point t0) {
    std::lock_guard<std::mutex> lock(mu_);
    accept_ = std::move(accept);
    t0_ = t0;
    std::fill(got_.begin(), got_.end(), false);
    remaining_ = static_cast<int>(got_.size());
    lat_.clear();
  }
  // Waits until every subscriber got its event (true) or `timeout` passed;
  // appends the latencies to `lat` if given. Disarms.
  bool Wait(Clock::duration timeout, std::vector<double>* lat) {
    std::unique_lock<std::mutex> lock(mu_);
    const bool all = cv_.wait_for(lock, timeout, [&] { return remaining_ == 0; });
    if (lat) lat->insert(lat->end(), lat_.begin(), lat_.end());
    accept_ = nullptr;
    return all;
  }

 private:
  // Waits with epoll on each socket's ZMQ_FD and reads only the sockets that
  // signalled: zmq_poll asks every socket for ZMQ_EVENTS on each pass (two
  // system calls each), so a thread holding 50 sockets spent more time finding
  // the ready one than a display, which has one socket, ever does. ZMQ_FD is
  // edge-like: after it fires the socket is read until it has nothing left.
  void Run(const std::string& events, const std::vector<int>& mine) {
    zmq::context_t ctx(1);
    std::vector<zmq::socket_t> sockets;
    const int ep = epoll_create1(EPOLL_CLOEXEC);
    for (size_t i = 0; i < mine.size(); ++i) {
      sockets.emplace_back(ctx, zmq::socket_type::sub);
      sockets.back().set(zmq::sockopt::linger, 0);
      sockets.back().set(zmq::sockopt::subscribe, std::string(mpp::kTopicEvent));
      sockets.back().connect(events);
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.u64 = i;
      epoll_ctl(ep, EPOLL_CTL_ADD, sockets.back().get(zmq::sockopt::fd), &ev);
    }
    auto drain = [&](size_t i) {
      std::vector<zmq::message_t> frames;
      while (sockets[i].get(zmq::sockopt::events) & ZMQ_POLLIN) {
        if (!zmq::recv_multipart(sockets[i], std::back_inserter(frames),
                                 zmq::recv_flags::dontwait)) {
          break;
        }
        const auto at = Clock::now();
        v1::Envelope env;
        if (frames.size() == 2 && env.ParseFromArray(frames[1].data(), frames[1].size())) {
          std::lock_guard<std::mutex> lock(mu_);
          const int k = mine[i];
          if (accept_ && !got_[k] && accept_(env)) {
            got_[k] = true;
            lat_.push_back(Ms(at - t0_));
            if (--remaining_ == 0) cv_.notify_all();
          }
        }
        frames.clear();
      }
    };
    for (size_t i = 0; i < sockets.size(); ++i) drain(i);
    std::vector<epoll_event> ready(sockets.size());
    while (!stop_.load()) {
      const int n = epoll_wait(ep, ready.data(), static_cast<int>(ready.size()), 10);
      for (int j = 0; j < n; ++j) drain(ready[j].data.u64);
    }
    close(ep);
  }

  std::mutex mu_;
  std::condition_variable cv_;
  Accept accept_;
  Clock::time_point t0_;
  std::vector<bool> got_;
  int remaining_ = 0;
  std::vector<double> lat_;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> workers_;
};

// `broker_pid` > 0 (--spawn): also the broker's CPU per cycle (issue, call,
// start, finish: four events to every subscriber); the difference between
// 1 and N subscribers is what the fan-out costs the broker.
EventFigures RunEventLatency(const std::string& endpoint, const std::string& events, int subs,
                             int calls, int threads, pid_t broker_pid) {
  zmq::context_t ctx(1);
  Receivers receivers(events, subs, threads);
  mpp::BrokerClient client(&ctx, endpoint, "load-counter");
  // Counter 21 serves INFO-PENGADUAN only.
  v1::Request add;
  add.mutable_set_operator()->set_operator_id("bench");
  add.mutable_set_operator()->set_pin("2468");
  (void)client.Call(add);
  v1::Request sign_in;
  sign_in.mutable_sign_in()->set_counter_id(21);
  sign_in.mutable_sign_in()->set_operator_id("bench");
  sign_in.mutable_sign_in()->set_pin("2468");
  (void)client.Call(sign_in);
  // Wait until every subscriber is connected: each must see one event.
  v1::Request issue;
  issue.mutable_issue()->set_service("INFO-PENGADUAN");
  bool ready = false;
  for (int attempt = 0; attempt < 50 && !ready; ++attempt) {
    receivers.Arm([](const v1::Envelope& e) { return e.has_event(); }, Clock::now());
    (void)client.Call(issue);
    ready = receivers.Wait(std::chrono::milliseconds(200), nullptr);
  }
  std::vector<double> lat, first, last;  // every delivery; per call the first and last
  lat.reserve(static_cast<size_t>(subs) * calls);
  v1::Request call, start, finish;
  call.mutable_call_next()->set_counter_id(21);
  start.mutable_start()->set_counter_id(21);
  finish.mutable_finish()->set_counter_id(21);
  const double cpu0 = CpuSeconds(broker_pid), own0 = CpuSeconds(getpid());
  for (int i = 0; i < calls; ++i) {
    // Let the issue event pass first so it is not mistaken for the call.
    receivers.Arm([](const v1::Envelope& e) { return e.event().type() == v1::TICKET_ISSUED; },
                  Clock::now());
    (void)client.Call(issue);
    receivers.Wait(std::chrono::seconds(2), nullptr);
    // Any TICKET_CALLED now is this call's (one counter, one call at a time).
    const auto t0 = Clock::now();
    receivers.Arm([](const v1::Envelope& e) { return e.event().type() == v1::TICKET_CALLED; }, t0);
    auto env = client.Call(call);
    if (!env.ok() || env->reply().error().code() != v1::OK) {
      std::fprintf(stderr, "call failed\n");
      receivers.Wait(std::chrono::milliseconds(0), nullptr);
      continue;
    }
    const size_t before = lat.size();
    receivers.Wait(std::chrono::seconds(5), &lat);
    if (lat.size() > before) {
      first.push_back(*std::min_element(lat.begin() + before, lat.end()));
      last.push_back(*std::max_element(lat.begin() + before, lat.end()));
    }
    receivers.Arm([](const v1::Envelope& e) { return e.event().type() == v1::TICKET_FINISHED; },
                  Clock::now());
    (void)client.Call(start);
    (void)client.Call(finish);
    receivers.Wait(std::chrono::seconds(2), nullptr);
  }
  std::string broker_cpu;
  if (cpu0 >= 0 && calls > 0) {
    char buf[128];
    std::snprintf(buf, sizeof buf, " broker CPU %.0f us/cycle (subscribers and client %.0f) |",
                  (CpuSeconds(broker_pid) - cpu0) * 1e6 / calls,
                  (CpuSeconds(getpid()) - own0) * 1e6 / calls);
    broker_cpu = buf;
  }
  std::printf(
      "| call -> event | %d subscribers on %d threads | %zu deliveries | p50 %.3f ms | p99 %.3f "
      "ms | max %.3f ms | first p50 %.3f ms | last p99 %.3f ms |%s%s\n",
      subs, std::max(1, std::min(threads, subs)), lat.size(), Percentile(lat, 0.5),
      Percentile(lat, 0.99), lat.empty() ? 0 : *std::max_element(lat.begin(), lat.end()),
      Percentile(first, 0.5), Percentile(last, 0.99), broker_cpu.c_str(),
      ready ? "" : " (not all subscribers connected)");
  std::fflush(stdout);
  return {subs, Percentile(lat, 0.99), lat.size(), static_cast<size_t>(subs) * calls};
}

// The targets the rows were measured for (none: nothing printed).
void PrintTargets(const std::vector<IssueFigures>& issues,
                  const std::vector<EventFigures>& events) {
  const auto rows = mpp::bench::CheckTargets(issues, events);
  if (rows.empty()) return;
  std::printf("\n| target (issue 2, 2-core machine) | this run | verdict |\n|---|---|---|\n");
  for (const auto& r : rows) {
    std::printf("| %s | %s | %s |\n", r.target.c_str(), r.measured.c_str(),
                r.met ? "met" : "NOT met");
  }
  std::fflush(stdout);
}

// One small row per COMMIT in WAL + synchronous=FULL: the fsync floor.
void FsyncFloor(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "fsync.db").string();
  std::filesystem::remove(path);
  sqlite3* db;
  sqlite3_open(path.c_str(), &db);
  sqlite3_exec(db,
               "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
               "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)",
               nullptr, nullptr, nullptr);
  sqlite3_stmt* ins;
  sqlite3_prepare_v2(db, "INSERT INTO t (v) VALUES (zeroblob(200))", -1, &ins, nullptr);
  std::vector<double> lat;
  for (int i = 0; i < 2000; ++i) {
    const auto t0 = Clock::now();
    sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    sqlite3_step(ins);
    sqlite3_reset(ins);
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    lat.push_back(Ms(Clock::now() - t0));
  }
  sqlite3_finalize(ins);
  sqlite3_close(db);
  std::printf(
      "| fsync floor (1 row/commit, WAL, synchronous=FULL) | %zu commits | p50 %.3f ms | "
      "p99 %.3f ms | %.0f commits/s |\n",
      lat.size(), Percentile(lat, 0.5), Percentile(lat, 0.99), 1000.0 / Percentile(lat, 0.5));
  std::filesystem::remove_all(dir);
}

// "1,16,64" -> {1, 16, 64}; anything else is refused with what was wrong.
std::optional<std::vector<int>> ParseList(const char* option, const std::string& s) {
  std::vector<int> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    int n = 0;
    const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), n);
    if (ec != std::errc() || end != item.data() + item.size() || n < 1) {
      std::fprintf(stderr, "mpp-load: %s: \"%s\" is not a count of 1 or more; give e.g. 1,16,64\n",
                   option, item.c_str());
      return std::nullopt;
    }
    out.push_back(n);
  }
  return out;
}

}  // namespace

// A catalog for --sign-ins: the sample's, with counters added up to `counters`
// (copies of its last one), so that many workstations can sign in at once.
std::string CatalogWithCounters(const std::string& config, int counters,
                                const std::filesystem::path& dir) {
  std::ifstream in(config);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t last = text.rfind("[[counter]]");
  if (last == std::string::npos) return config;
  std::string tail = text.substr(last);
  const size_t id_at = tail.find("id = ");
  const size_t id_end = tail.find('\n', id_at);
  const int last_id = std::atoi(tail.c_str() + id_at + 5);
  for (int id = last_id + 1; id <= counters; ++id) {
    std::string copy = tail;
    copy.replace(id_at, id_end - id_at, "id = " + std::to_string(id));
    const size_t name_at = copy.find("name = ");
    copy.replace(name_at, copy.find('\n', name_at) - name_at,
                 "name = \"Loket " + std::to_string(id) + "\"");
    text += "\n" + copy;
  }
  std::filesystem::create_directories(dir);
  std::string path = (dir / "sign-ins.toml").string();
  std::ofstream(path) << text;
  return path;
}

// Opening time: `n` operators sign in at counters 1..n at the same moment,
// each workstation resending after a second without an answer, as the
// counter program does. Reported beside this machine's floor: one Argon2
// check measured here, times n, over the cores.
void RunSignIns(const std::string& endpoint, int n, pid_t broker_pid) {
  zmq::context_t ctx(1);
  {
    mpp::BrokerClient admin(&ctx, endpoint, "load-admin");
    for (int i = 1; i <= n; ++i) {
      v1::Request add;
      add.mutable_set_operator()->set_operator_id("op-" + std::to_string(i));
      add.mutable_set_operator()->set_pin("2580");
      mpp::BrokerClient::Options o;
      o.timeout_ms = 60000;
      auto r = admin.Call(add, o);
      if (!r.ok() || r->reply().error().code() != v1::OK) {
        std::fprintf(
            stderr, "mpp-load: cannot add operator %d: %s\n", i,
            r.ok() ? r->reply().error().message_en().c_str() : r.status().message().c_str());
        return;
      }
    }
  }
  // The floor: one check at libsodium's INTERACTIVE cost (the broker's).
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(hash, "2580", 4, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    std::fprintf(stderr, "mpp-load: out of memory for Argon2\n");
    return;
  }
  const auto f0 = Clock::now();
  constexpr int kFloorChecks = 3;
  int verified = 0;
  for (int i = 0; i < kFloorChecks; ++i) verified += crypto_pwhash_str_verify(hash, "2580", 4) == 0;
  const double check_ms = Ms(Clock::now() - f0) / kFloorChecks;
  if (verified != kFloorChecks) std::fprintf(stderr, "mpp-load: Argon2 self-check failed\n");
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());

  const double cpu0 = CpuSeconds(broker_pid);
  std::vector<double> latency(n, -1);
  std::vector<std::string> failure(n);
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> desks;
  const auto start_holder = std::make_shared<Clock::time_point>();
  for (int i = 0; i < n; ++i) {
    desks.emplace_back([&, i] {
      mpp::BrokerClient c(&ctx, endpoint, "counter-" + std::to_string(i + 1));
      v1::Request r;
      r.mutable_sign_in()->set_counter_id(i + 1);
      r.mutable_sign_in()->set_operator_id("op-" + std::to_string(i + 1));
      r.mutable_sign_in()->set_pin("2580");
      ++ready;
      while (!go.load()) std::this_thread::yield();
      mpp::BrokerClient::Options o;
      o.timeout_ms = 120000;  // resent every second meanwhile
      auto reply = c.Call(r, o);
      latency[i] = Ms(Clock::now() - *start_holder);
      if (!reply.ok()) {
        failure[i] = reply.status().message();
      } else if (reply->reply().error().code() != v1::OK) {
        failure[i] = reply->reply().error().message_en();
      }
    });
  }
  while (ready.load() < n) std::this_thread::yield();
  *start_holder = Clock::now();
  go = true;
  for (auto& t : desks) t.join();
  const double cpu = CpuSeconds(broker_pid) - cpu0;
  int ok = 0;
  for (const auto& f : failure) ok += f.empty();
  std::sort(latency.begin(), latency.end());
  std::printf("\n| sign-ins at once | %d |\n|---|---|\n", n);
  std::printf("| signed in | %d of %d |\n", ok, n);
  std::printf("| first answer | %.0f ms |\n| median | %.0f ms |\n| last answer | %.0f ms |\n",
              latency.front(), latency[n / 2], latency.back());
  std::printf("| floor: one Argon2 check here x %d / %u cores | %.0f ms (one check %.0f ms) |\n", n,
              cores, check_ms * n / cores, check_ms);
  if (cpu >= 0) std::printf("| broker CPU | %.1f s |\n", cpu);
  for (int i = 0; i < n; ++i) {
    if (!failure[i].empty()) std::printf("counter %d: %s\n", i + 1, failure[i].c_str());
  }
}

int main(int argc, char** argv) {
  CLI::App app{"mpp-load - durable ops/s and event latency against a real broker"};
  app.set_version_flag("--version", MPP_VERSION_STRING);
  std::string broker, events, clients = "1,16,64", subscribers = "1,200";
  std::string broker_bin, config;
  int ops = 20000, calls = 300;
  bool spawn = false, fsync = false;
  int flood = 0;
  bool flood_sink = false;
  std::string flood_kind = "garbage";
  int sign_ins = 0;
  int sub_threads = 4;
  bool echo = false;
  bool thread_per_client = false;
  bool ceiling = false;
  int warmup = 0;
  app.add_option("--broker", broker, "command endpoint of a running broker")->envname("MPP_BROKER");
  app.add_option("--events", events, "event endpoint (default: asked from the broker)");
  app.add_flag("--spawn", spawn, "start a broker with a fresh database");
  app.add_option("--broker-bin", broker_bin, "mpp-broker binary for --spawn");
  app.add_option("--config", config, "catalog for --spawn");
  app.add_option("--clients", clients, "client counts for the issue load")->capture_default_str();
  app.add_option("--ops", ops, "issues per client count")->capture_default_str();
  app.add_option("--subscribers", subscribers, "subscriber counts for event latency")
      ->capture_default_str();
  app.add_option("--calls", calls, "calls per subscriber count")->capture_default_str();
  app.add_flag("--echo", echo,
               "instead of a broker: a server that echoes each request at once (the ceiling of "
               "this machine for --clients)");
  app.add_flag("--thread-per-client", thread_per_client,
               "drive each client from a thread of its own blocked in its call (the generator "
               "then costs more CPU than the broker) instead of all from one thread");
  app.add_option("--sub-threads", sub_threads,
                 "threads (each with its own ZeroMQ context) the subscribers are spread over")
      ->capture_default_str();
  app.add_flag("--fsync-floor", fsync, "measure one-row commits on this disk first");
  app.add_option("--warmup", warmup,
                 "first N issues at the largest client count, reported apart: a fresh "
                 "database's WAL grows to its working size meanwhile, and a growing file's "
                 "fdatasync also commits its size")
      ->capture_default_str();
  app.add_flag("--ceiling", ceiling,
               "before and after the rest: the echo server at 64 clients, to tell how fast "
               "this machine is right now (the project's VM swings by a third)");
  app.add_option("--flood", flood,
                 "instead of the load: N honest issues alone, then N during a garbage flood");
  app.add_option("--sign-ins", sign_ins,
                 "instead of the load: N operators sign in at once (with --spawn, counters "
                 "are added to the catalog up to N)")
      ->check(CLI::Range(1, 500));
  app.add_option("--flood-kind", flood_kind,
                 "with --flood: garbage (bad frames) or snapshots (valid reads never read back)")
      ->check(CLI::IsMember({"garbage", "snapshots"}))
      ->capture_default_str();
  app.add_flag("--flood-sink", flood_sink,
               "with --flood: send the flood to a receiver in this process instead (control)");
  MPP_PARSE(app, argc, argv);
  const auto client_counts = ParseList("--clients", clients);
  const auto subscriber_counts = ParseList("--subscribers", subscribers);
  if (!client_counts || !subscriber_counts) return 2;

  const auto self = std::filesystem::read_symlink("/proc/self/exe").parent_path();
  if (broker_bin.empty()) broker_bin = (self / "mpp-broker").string();
  if (config.empty()) config = (self.parent_path() / "config" / "mpp-cilegon.toml").string();
  auto measure_ceiling = [&](const char* when) {
    if (!ceiling) return;
    EchoServer server;
    RunIssueLoad(server.endpoint(), 64, 40000, -1, false, when);
  };
  measure_ceiling("echo ceiling before (no broker)");
  if (fsync) FsyncFloor(std::filesystem::temp_directory_path() / "mpp-fsync");

  if (echo) {
    EchoServer server;
    for (int c : *client_counts)
      RunIssueLoad(server.endpoint(), c, ops, -1, thread_per_client,
                   thread_per_client ? "echo (no broker), thread per client" : "echo (no broker)");
    return 0;
  }
  Spawned spawned;
  if (spawn) {
    if (sign_ins > 0) {
      config = CatalogWithCounters(
          config, sign_ins,
          std::filesystem::temp_directory_path() / ("mpp-load-cat-" + std::to_string(getpid())));
    }
    spawned = SpawnBroker(broker_bin, config);
    if (spawned.command.empty()) {
      std::fprintf(stderr, "mpp-load: could not start %s\n", broker_bin.c_str());
      return 1;
    }
    broker = spawned.command;
    events = spawned.events;
  }
  if (broker.empty()) {
    std::fprintf(stderr, "mpp-load: give --broker URL or --spawn\n");
    return 2;
  }
  if (events.empty()) {
    zmq::context_t ctx(1);
    mpp::BrokerClient c(&ctx, broker, "load");
    v1::Request r;
    r.mutable_status();
    auto env = c.Call(r);
    if (!env.ok()) {
      std::fprintf(stderr, "mpp-load: %s\n", env.status().message().c_str());
      return 3;
    }
    events = env->reply().status().event_endpoint();
  }
  std::vector<IssueFigures> issue_rows;  // judged last, after the ceiling that dates the run
  std::vector<EventFigures> event_rows;
  if (sign_ins > 0) {
    RunSignIns(broker, sign_ins, spawned.pid);
  } else if (flood > 0) {
    RunFlood(broker, flood, flood_sink, flood_kind, spawned.pid);
  } else {
    const std::vector<int>& counts = *client_counts;
    if (warmup > 0 && !counts.empty()) {
      RunIssueLoad(broker, *std::max_element(counts.begin(), counts.end()), warmup, spawned.pid,
                   thread_per_client, "warm-up: issue (durable), WAL growing");
    }
    for (int c : counts) {
      issue_rows.push_back(RunIssueLoad(
          broker, c, ops, spawned.pid, thread_per_client,
          thread_per_client ? "issue (durable), thread per client" : "issue (durable)"));
    }
    for (int s : *subscriber_counts) {
      event_rows.push_back(RunEventLatency(broker, events, s, calls, sub_threads, spawned.pid));
    }
  }
  if (spawned.pid > 0) {
    kill(spawned.pid, SIGTERM);
    int st;
    waitpid(spawned.pid, &st, 0);
    std::filesystem::remove_all(spawned.dir);
  }
  measure_ceiling("echo ceiling after (no broker)");
  PrintTargets(issue_rows, event_rows);
  return 0;
}
