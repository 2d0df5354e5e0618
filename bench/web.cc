// mpp-web-bench: many visitors' phones following their tickets at once.
//
//   build/mpp-web-bench [--pages 2000] [--calls 40] [--load-ops 4000]
//
// Starts a broker (sample catalog, Monday 09:00) and mpp-web, issues one
// ticket per page on the catalog's services without a quota, opens one live
// page (Server-Sent Events, a raw HTTP connection each, all on one epoll
// thread) per ticket, then:
//  - calls `--calls` tickets at the counters and measures, for every page
//    whose view changed, the delay from the call's reply to its update;
//  - the same with a single page open (this machine's floor for the path
//    call -> broker -> mpp-web -> page, measured in the same run);
//  - mpp-web's resident memory with no page and with every page open;
//  - the broker's durable issues per second (8 synchronous clients) with no
//    page open and with every page open, in the same run.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>
#include <zmq.hpp>

#include "common/client.h"
#include "common/wire.h"
#include "testing/spawn_broker.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace v1 = mpp::v1;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p / 100.0 * static_cast<double>(v.size())))];
}

long RssKb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

// One live page: a socket reading an event stream.
struct Page {
  int fd = -1;
  size_t service = 0;
  std::string buffer;
  int events = 0;
  std::vector<Clock::time_point> times;  // of each event
};

class Pages {
 public:
  explicit Pages(int port) : port_(port), epoll_(epoll_create1(0)) {}
  ~Pages() {
    for (auto& p : pages_) close(p.fd);
    close(epoll_);
  }
  bool Open(const std::string& token, size_t service) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port_));
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      close(fd);
      return false;
    }
    // Each page from an address of its own, as 2,000 phones behind the MPP's
    // reverse proxy would be (mpp-web runs with --trust-proxy).
    const size_t n = pages_.size() + 1;
    const std::string from = "10.0." + std::to_string(n / 250) + "." + std::to_string(n % 250);
    const std::string req = "GET /t/" + token + "/events HTTP/1.1\r\nHost: bench\r\n" +
                            "X-Forwarded-For: " + from + "\r\n\r\n";
    if (write(fd, req.data(), req.size()) != static_cast<ssize_t>(req.size())) return false;
    fcntl(fd, F_SETFL, O_NONBLOCK);
    pages_.push_back(Page{fd, service, "", 0, {}});
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = pages_.size() - 1;
    epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &ev);
    return true;
  }
  // Reads whatever arrived within `ms`.
  void Pump(int ms) {
    epoll_event evs[256];
    const int n = epoll_wait(epoll_, evs, 256, ms);
    const auto now = Clock::now();
    for (int i = 0; i < n; ++i) {
      Page& p = pages_[evs[i].data.u64];
      char buf[16384];
      for (;;) {
        const ssize_t r = read(p.fd, buf, sizeof buf);
        if (r <= 0) break;
        p.buffer.append(buf, static_cast<size_t>(r));
      }
      size_t at;
      while ((at = p.buffer.find("event: status")) != std::string::npos) {
        ++p.events;
        p.times.push_back(now);
        p.buffer.erase(0, at + 13);
      }
      if (p.buffer.size() > 65536) p.buffer.clear();
    }
  }
  // Pumps until nothing arrived for `quiet_ms` (at most `max_ms`).
  void Settle(int quiet_ms, int max_ms) {
    const auto end = Clock::now() + std::chrono::milliseconds(max_ms);
    auto last = Clock::now();
    int seen = Total();
    while (Clock::now() < end && Clock::now() - last < std::chrono::milliseconds(quiet_ms)) {
      Pump(20);
      if (Total() != seen) {
        seen = Total();
        last = Clock::now();
      }
    }
  }
  int Total() const {
    int t = 0;
    for (const auto& p : pages_) t += p.events;
    return t;
  }
  std::vector<Page>& pages() { return pages_; }

 private:
  int port_;
  int epoll_;
  std::vector<Page> pages_;
};

v1::Reply Must(mpp::BrokerClient& c, const v1::Request& r) {
  auto reply = c.Call(r);
  if (!reply.ok()) {
    std::fprintf(stderr, "mpp-web-bench: %s\n", reply.status().message().c_str());
    std::exit(1);
  }
  return reply->reply();
}

// Durable issues per second from `clients` synchronous clients.
double IssueRate(const std::string& endpoint, int clients, int ops, const std::string& service) {
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  for (int i = 0; i < clients; ++i) {
    threads.emplace_back([&, i] {
      zmq::context_t ctx(1);
      mpp::BrokerClient c(&ctx, endpoint, "load-" + std::to_string(i));
      v1::Request r;
      r.mutable_issue()->set_service(service);
      for (int k = 0; k < ops / clients; ++k) Must(c, r);
    });
  }
  for (auto& t : threads) t.join();
  return ops / std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"mpp-web-bench - many live ticket pages on mpp-web"};
  int pages_n = 2000, calls = 40, load_ops = 4000;
  std::string bin_dir = MPP_BUILD_DIR;
  app.add_option("--pages", pages_n, "live pages (one ticket each)")->capture_default_str();
  app.add_option("--calls", calls, "calls measured")->capture_default_str();
  app.add_option("--load-ops", load_ops, "issues for the broker's ops/s, each phase")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  rlimit nofile{};
  getrlimit(RLIMIT_NOFILE, &nofile);
  nofile.rlim_cur = nofile.rlim_max;
  setrlimit(RLIMIT_NOFILE, &nofile);

  char dir_template[] = "/tmp/mpp-web-bench-XXXXXX";
  const std::string dir = mkdtemp(dir_template);
  int broker_out = -1;
  const pid_t broker = mpp::testing::SpawnWithStdoutPipe(
      {bin_dir + "/mpp-broker", "--config",
       std::string(MPP_SOURCE_DIR) + "/config/mpp-cilegon.toml", "--db", dir + "/mpp.db", "--init",
       "--endpoint", "tcp://127.0.0.1:*", "--clock-start", "2026-11-30T09:00:00+07:00",
       "--log-level", "warn"},
      {}, dir + "/broker.log", &broker_out);
  std::string command, events;
  if (auto st =
          mpp::testing::WaitForReadyLine(broker_out, std::chrono::seconds(20), &command, &events);
      !st.ok()) {
    std::fprintf(stderr, "mpp-web-bench: broker: %s\n", st.message().c_str());
    return 1;
  }
  zmq::context_t ctx(1);
  mpp::BrokerClient admin(&ctx, command, "bench");

  // The services without a quota, and the counters that serve them.
  v1::Request get;
  get.mutable_get_catalog();
  const v1::Catalog catalog = Must(admin, get).catalog();
  std::vector<std::string> services;
  for (const auto& s : catalog.services()) {
    if (s.daily_quota() == 0 && !s.retired()) services.push_back(s.code());
  }
  std::vector<int> counters;
  for (const auto& c : catalog.counters()) {
    for (const auto& s : c.services()) {
      if (std::find(services.begin(), services.end(), s) != services.end()) {
        counters.push_back(c.id());
        break;
      }
    }
  }
  for (int id : counters) {  // an operator per counter: one may sit at one counter only
    const std::string name = "bench-" + std::to_string(id);
    v1::Request op;
    op.mutable_set_operator()->set_operator_id(name);
    op.mutable_set_operator()->set_pin("2580");
    Must(admin, op);
    v1::Request in;
    in.mutable_sign_in()->set_counter_id(id);
    in.mutable_sign_in()->set_operator_id(name);
    in.mutable_sign_in()->set_pin("2580");
    if (const v1::Reply r = Must(admin, in); r.error().code() != v1::OK) {
      std::fprintf(stderr, "mpp-web-bench: sign-in at %d: %s\n", id,
                   r.error().message_en().c_str());
      return 1;
    }
  }

  int web_out = -1;
  const pid_t web = mpp::testing::SpawnWithStdoutPipe(
      {bin_dir + "/mpp-web", "--broker", command, "--listen", "127.0.0.1:0", "--log-level", "warn",
       "--trust-proxy", "--max-streams", std::to_string(pages_n + 100), "--streams-per-address",
       std::to_string(pages_n + 100), "--pages-per-minute", "10000000"},
      {}, dir + "/web.log", &web_out);
  std::string line;
  char ch;
  while (read(web_out, &ch, 1) == 1 && ch != '\n') line += ch;
  const auto colon = line.rfind(':');
  if (line.rfind("mpp-web ready", 0) != 0 || colon == std::string::npos) {
    std::fprintf(stderr, "mpp-web-bench: mpp-web did not start: %s\n", line.c_str());
    return 1;
  }
  const int port = std::stoi(line.substr(colon + 1));
  const long rss_idle = RssKb(web);

  // The broker's issue rate with no page open.
  const double rate_before = IssueRate(command, 8, load_ops, services[0]);
  const double rate_before2 = IssueRate(command, 8, load_ops, services[0]);

  // One ticket per page, and a page with a single stream for the floor.
  std::vector<std::pair<std::string, size_t>> tickets;
  for (int i = 0; i < pages_n; ++i) {
    v1::Request r;
    r.mutable_issue()->set_service(services[static_cast<size_t>(i) % services.size()]);
    tickets.emplace_back(Must(admin, r).ticket().token(), static_cast<size_t>(i) % services.size());
  }

  std::vector<double> call_ms_all;
  auto measure_calls = [&](Pages& pages, int n, std::vector<double>* delays, double* per_call) {
    std::vector<double>* call_ms = &call_ms_all;
    long updated = 0;
    for (int k = 0; k < n; ++k) {
      const int counter = counters[static_cast<size_t>(k) % counters.size()];
      v1::Request start, finish;  // the counter's last ticket first (errors are fine)
      start.mutable_start()->set_counter_id(counter);
      finish.mutable_finish()->set_counter_id(counter);
      Must(admin, start);
      Must(admin, finish);
      // Quiet for 300 ms: the watch refreshes at most every 100 ms, and a
      // call right after the finish would measure that throttle, not the path.
      pages.Settle(300, 3000);
      std::vector<int> before;
      for (const auto& p : pages.pages()) before.push_back(p.events);
      v1::Request call;
      call.mutable_call_next()->set_counter_id(counter);
      const auto t0 = Clock::now();
      if (const v1::Reply r = Must(admin, call); r.error().code() != v1::OK) {
        std::fprintf(stderr, "mpp-web-bench: call: %s\n", r.error().message_en().c_str());
      }
      call_ms->push_back(Ms(Clock::now() - t0));
      pages.Settle(300, 5000);
      for (size_t i = 0; i < pages.pages().size(); ++i) {
        const Page& p = pages.pages()[i];
        if (p.events > before[i]) {  // its first update after the call
          delays->push_back(Ms(p.times[static_cast<size_t>(before[i])] - t0));
          ++updated;
        }
      }
    }
    *per_call = n > 0 ? static_cast<double>(updated) / n : 0;
  };

  // Floor: one page.
  std::vector<double> one_delays;
  double one_per_call = 0;
  {
    Pages one(port);
    one.Open(tickets.back().first, tickets.back().second);
    one.Settle(300, 5000);
    measure_calls(one, calls, &one_delays, &one_per_call);
  }

  Pages pages(port);
  const auto open_start = Clock::now();
  for (const auto& [token, service] : tickets) {
    if (!pages.Open(token, service)) {
      std::fprintf(stderr, "mpp-web-bench: could not open a page (open files?)\n");
      return 1;
    }
  }
  pages.Settle(500, 60000);
  const double open_s = std::chrono::duration<double>(Clock::now() - open_start).count();
  int with_first = 0;
  std::map<std::string, int> refusals;
  for (const auto& p : pages.pages()) {
    with_first += p.events > 0;
    if (p.events == 0) refusals[p.buffer.substr(0, p.buffer.find('\r'))]++;
  }
  for (const auto& [what, n] : refusals) {
    std::fprintf(stderr, "mpp-web-bench: %d pages without an event: %s\n", n, what.c_str());
  }
  const long rss_open = RssKb(web);

  std::vector<double> delays;
  double per_call = 0;
  measure_calls(pages, calls, &delays, &per_call);
  const double rate_during = IssueRate(command, 8, load_ops, services[0]);
  const double rate_during2 = IssueRate(command, 8, load_ops, services[0]);
  pages.Settle(300, 10000);
  const long rss_after = RssKb(web);

  std::printf("mpp-web-bench: %d pages on %zu services, %zu counters calling\n", pages_n,
              services.size(), counters.size());
  std::printf("  pages open with their first event: %d of %d in %.1f s\n", with_first, pages_n,
              open_s);
  std::printf(
      "  call -> update, every page that changed: p50 %.1f ms, p99 %.1f ms, max %.1f ms "
      "(%zu updates, %.0f pages per call)\n",
      Percentile(delays, 50), Percentile(delays, 99), Percentile(delays, 100), delays.size(),
      per_call);
  std::printf("  the call's own round trip (reply after its WAL sync): p50 %.1f ms, p99 %.1f ms\n",
              Percentile(call_ms_all, 50), Percentile(call_ms_all, 99));
  std::printf("  floor, one page open (same run): p50 %.1f ms, p99 %.1f ms (%zu updates)\n",
              Percentile(one_delays, 50), Percentile(one_delays, 99), one_delays.size());
  std::printf(
      "  mpp-web memory (RSS): %.1f MB idle, %.1f MB with the pages open, %.1f MB after "
      "the calls and load\n",
      rss_idle / 1024.0, rss_open / 1024.0, rss_after / 1024.0);
  std::printf(
      "  broker durable issues, 8 clients, two runs each: %.0f / %.0f ops/s with no page, "
      "%.0f / %.0f ops/s with %d pages open (%.2fx of the mean)\n",
      rate_before, rate_before2, rate_during, rate_during2, pages_n,
      (rate_during + rate_during2) / (rate_before + rate_before2));

  kill(web, SIGTERM);
  kill(broker, SIGTERM);
  int status;
  waitpid(web, &status, 0);
  waitpid(broker, &status, 0);
  std::filesystem::remove_all(dir);
  return 0;
}
