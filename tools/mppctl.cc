// mppctl: every broker operation from a shell.
//
//   mppctl [--broker URL] [--json] [--timeout MS] COMMAND ...
//
// Exit codes: 0 done; 1 the broker refused (its message is printed);
// 2 bad usage; 3 the broker could not be reached within --timeout.
// With --json every command prints one JSON object (watch: one per line) and
// a ticket's number is always at the top level as "number".
#include <google/protobuf/util/json_util.h>
#include <termios.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "broker/report/build.h"
#include "broker/report/report.h"
#include "broker/store/archive.h"
#include "broker/store/backup.h"
#include "common/cli.h"
#include "common/client.h"
#include "common/keys.h"
#include "common/paths.h"
#include "common/time_util.h"
#include "common/wire.h"

namespace {

using nlohmann::json;
namespace v1 = mpp::v1;

struct Globals {
  std::string broker = "tcp://127.0.0.1:5555";
  bool json = false;
  int timeout_ms = 3000;
  std::string lang = "id";
  std::string client_id = "mppctl";
  std::string request_id;
};

json ToJson(const google::protobuf::Message& m) {
  std::string out;
  google::protobuf::util::JsonPrintOptions o;
  o.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(m, &out, o);
  return json::parse(out);
}

int offset_min = 420;  // from the catalog when known; WIB by default

std::string LocalHm(int64_t ms) {
  if (ms <= 0) return "-";
  return mpp::FormatHhMm(mpp::ToLocal(ms, offset_min).minute_of_day);
}

std::string Minutes(int64_t ms, bool en) {
  char buf[48];
  std::snprintf(buf, sizeof buf, en ? "%lld min %lld s" : "%lld mnt %lld dtk",
                static_cast<long long>(ms / 60000), static_cast<long long>((ms / 1000) % 60));
  return buf;
}

const char* StateText(v1::TicketState s, bool en) {
  switch (s) {
    case v1::WAITING:
      return en ? "waiting" : "menunggu";
    case v1::CALLED:
      return en ? "called" : "dipanggil";
    case v1::SERVING:
      return en ? "serving" : "dilayani";
    case v1::DONE:
      return en ? "done" : "selesai";
    case v1::NO_SHOW:
      return en ? "no-show" : "tidak hadir";
    case v1::HELD:
      return en ? "on hold" : "ditunda";
    case v1::CANCELLED:
      return en ? "cancelled" : "dibatalkan";
    case v1::EXPIRED:
      return en ? "expired (day ended)" : "kedaluwarsa (hari berganti)";
    default:
      return "?";
  }
}

const char* CounterText(v1::CounterStatus s, bool en) {
  switch (s) {
    case v1::OPEN:
      return en ? "open" : "buka";
    case v1::ON_BREAK:
      return en ? "on break" : "istirahat";
    case v1::CLOSED:
      return en ? "closed" : "tutup";
    default:
      return "?";
  }
}

// Sends one request and prints the outcome. Returns the exit code.
// With `print_result` false only failures are printed (the caller prints the result).
// Without `retry` the request is sent once (reports: a resend would build it twice).
int Run(const Globals& g, const v1::Request& req, v1::Reply* out = nullptr,
        bool print_result = true, bool retry = true) {
  zmq::context_t ctx(1);
  std::unique_ptr<mpp::BrokerClient> connected;
  try {
    connected = std::make_unique<mpp::BrokerClient>(&ctx, g.broker, g.client_id);
  } catch (const zmq::error_t& e) {
    std::cerr << "mppctl: '" << g.broker << "' is not a broker address (" << e.what()
              << "); write it as tcp://HOST:PORT\n";
    return 2;
  }
  mpp::BrokerClient& client = *connected;
  mpp::BrokerClient::Options opt;
  opt.timeout_ms = g.timeout_ms;
  opt.retry_ms = retry ? std::min(1000, g.timeout_ms) : g.timeout_ms;
  opt.request_id = g.request_id;
  auto env = client.Call(req, opt);
  if (!env.ok()) {
    if (g.json) {
      const std::string code(mpp::StatusCodeName(env.status().code()));
      std::cout << json{{"ok", false}, {"code", code}, {"message", env.status().message()}} << "\n";
    } else {
      std::cerr << "mppctl: " << env.status().message() << "\n";
    }
    return 3;
  }
  const v1::Reply& r = env->reply();
  if (out) *out = r;
  const bool en = g.lang == "en";
  if (r.error().code() != v1::OK) {
    if (g.json) {
      json j{{"ok", false},
             {"code", mpp::ErrorCodeName(r.error().code())},
             {"message", en ? r.error().message_en() : r.error().message_id()},
             {"message_id", r.error().message_id()},
             {"message_en", r.error().message_en()}};
      if (r.error().next_open_ms() > 0) {
        j["next_open"] = mpp::FormatIsoLocal(r.error().next_open_ms(), offset_min);
      }
      std::cout << j << "\n";
    } else {
      std::cerr << "mppctl: " << mpp::ErrorCodeName(r.error().code()) << ": "
                << (en ? r.error().message_en() : r.error().message_id()) << "\n";
    }
    return 1;
  }
  if (!print_result) return 0;
  if (g.json) {
    json j = ToJson(r);
    j.erase("error");
    j["ok"] = true;
    j["seq"] = env->seq();
    if (r.has_ticket()) j["number"] = r.ticket().number();
    std::cout << j << "\n";
    return 0;
  }
  if (r.has_ticket()) {
    const v1::Ticket& t = r.ticket();
    std::cout << t.number() << "  " << t.service() << "  " << StateText(t.state(), en);
    if (t.counter_id() && t.state() != v1::WAITING) std::cout << "  loket " << t.counter_id();
    if (t.state() == v1::WAITING) {
      std::cout << "  " << r.ahead() << (en ? " ahead" : " di depan");
      std::cout << (en ? ", about " : ", perkiraan ") << (r.estimated_wait_ms() + 59999) / 60000
                << (en ? " min" : " mnt");
    }
    if (t.priority() != v1::PRIORITY_NONE) {
      std::cout << "  [" << v1::PriorityReason_Name(t.priority()) << "]";
    }
    if (t.first_called_ms()) {
      std::cout << (en ? "  waited " : "  waktu tunggu ") << Minutes(t.wait_ms(), en)
                << (t.wait_met() ? " (ok)" : (en ? " (over target)" : " (melewati target)"));
    }
    if (t.finished_ms()) {
      std::cout << (en ? "  served " : "  waktu layanan ") << Minutes(t.service_ms(), en)
                << (t.service_met() ? " (ok)" : (en ? " (over standard)" : " (melewati standar)"));
    }
    std::cout << "\n";
  } else if (r.has_counter()) {
    const v1::Counter& c = r.counter();
    std::cout << (en ? "counter " : "loket ") << c.id() << ": " << CounterText(c.status(), en);
    if (!c.operator_id().empty()) std::cout << "  " << c.operator_id();
    if (!c.break_reason().empty()) std::cout << "  (" << c.break_reason() << ")";
    std::cout << "\n";
  } else {
    std::cout << "ok (seq " << env->seq() << ")\n";
  }
  return 0;
}

void PrintSnapshot(const v1::Snapshot& s, bool en) {
  std::cout << (en ? "Business day " : "Hari layanan ") << s.business_day() << "  seq " << s.seq()
            << (s.zone().empty() ? "" : "  zone " + s.zone()) << "\n\n";
  std::cout << (en ? "Counters:\n" : "Loket:\n");
  std::map<int64_t, const v1::Ticket*> by_id;
  for (const auto& t : s.tickets()) by_id[t.id()] = &t;
  for (const auto& c : s.counters()) {
    std::printf("  %3d  %-10s %-12s", c.id(), CounterText(c.status(), en), c.operator_id().c_str());
    if (c.current_ticket() && by_id.count(c.current_ticket())) {
      const v1::Ticket* t = by_id[c.current_ticket()];
      std::printf(" %s (%s)", t->number().c_str(), StateText(t->state(), en));
    }
    if (!c.break_reason().empty()) std::printf(" %s", c.break_reason().c_str());
    std::printf("\n");
  }
  std::cout << (en ? "\nQueues (waiting / issued today):\n"
                   : "\nAntrean (menunggu / terbit hari ini):\n");
  for (const auto& q : s.queues()) {
    if (q.issued_today() == 0 && q.waiting() == 0) continue;
    std::printf("  %-16s %4d / %4d\n", q.service().c_str(), q.waiting(), q.issued_today());
  }
  std::cout << (en ? "\nOpen tickets, in call order:\n" : "\nTiket terbuka, urutan panggilan:\n");
  for (const auto& t : s.tickets()) {
    const std::string badge =
        t.priority() ? " [" + v1::PriorityReason_Name(t.priority()) + "]" : std::string();
    std::printf("  %-9s %-16s %-11s issued %s%s\n", t.number().c_str(), t.service().c_str(),
                StateText(t.state(), en), LocalHm(t.issued_ms()).c_str(), badge.c_str());
  }
}

std::atomic<bool> g_stop{false};

// Whether a heartbeat comes on the event port within `timeout_ms`: the
// displays' live feed works, not only the command port.
bool HeartbeatArrives(const std::string& broker, const std::string& event_endpoint,
                      int timeout_ms) {
  zmq::context_t ctx(1);
  zmq::socket_t sub(ctx, zmq::socket_type::sub);
  sub.set(zmq::sockopt::linger, 0);
  sub.set(zmq::sockopt::subscribe, std::string(mpp::kTopicHeartbeat));
  mpp::ApplyClientKeys(sub);
  sub.connect(mpp::ResolveEventEndpoint(broker, event_endpoint));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    zmq::pollitem_t item{sub.handle(), 0, ZMQ_POLLIN, 0};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (zmq::poll(&item, 1, std::max(left, std::chrono::milliseconds(1))) <= 0) continue;
    std::vector<zmq::message_t> frames;
    if (!zmq::recv_multipart(sub, std::back_inserter(frames))) continue;
    v1::Envelope env;
    if (frames.size() == 2 && env.ParseFromArray(frames[1].data(), frames[1].size()) &&
        env.has_heartbeat()) {
      return true;
    }
  }
  return false;
}

// mppctl health: 0 healthy, 1 unhealthy (each problem on its own line), 3 no
// answer. Silent devices are warnings: a screen switched off at night is not
// the broker's illness.
int Health(const Globals& g, int checkpoint_behind_s, int heartbeat_ms) {
  v1::Request req;
  req.mutable_status();
  v1::Reply r;
  if (const int rc = Run(g, req, &r, /*print_result=*/false); rc != 0) return rc;
  const v1::Status& s = r.status();
  std::vector<std::string> problems, warnings;
  if (s.writes_refused()) {
    problems.push_back(
        "the database's disk is full: every command is refused until space is freed");
  } else if (s.disk_low()) {
    problems.push_back("only " + std::to_string(s.disk_free_bytes() >> 20) +
                       " MB free on the database's disk (below --disk-floor-mb)");
  }
  if (s.checkpoint_behind_ms() > static_cast<int64_t>(checkpoint_behind_s) * 1000) {
    problems.push_back("the WAL has not been checkpointed for " +
                       std::to_string(s.checkpoint_behind_ms() / 1000) + " s (" +
                       std::to_string(s.wal_frames_behind()) +
                       " frames behind): a reader that never ends (an open sqlite3 shell?) or a "
                       "failing disk; see the broker's log");
  }
  if (s.connections_refused_no_room() > 0) {
    problems.push_back(std::to_string(s.connections_refused_no_room()) +
                       " connections refused since start for want of file descriptors (limit " +
                       std::to_string(s.open_file_limit()) +
                       "): raise LimitNOFILE (docs/OPERATIONS.md, \"Open files\")");
  }
  if (!HeartbeatArrives(g.broker, s.event_endpoint(), heartbeat_ms)) {
    problems.push_back("no heartbeat on the event port " + s.event_endpoint() + " within " +
                       std::to_string(heartbeat_ms) +
                       " ms: screens get no live updates (a firewall on that port?)");
  }
  for (const auto& d : s.silent_devices()) {
    warnings.push_back("device " + d.name() + " (" + mpp::RoleName(d.role()) + ") silent: " +
                       (d.last_seen_ms() > 0
                            ? "last seen " + mpp::FormatIsoLocal(d.last_seen_ms(), offset_min) +
                                  (d.last_address().empty() ? "" : " from " + d.last_address())
                            : std::string("not seen since the broker started")));
  }
  if (g.json) {
    std::cout << json{{"ok", problems.empty()}, {"problems", problems}, {"warnings", warnings}}
              << "\n";
  } else {
    std::cout << (problems.empty() ? "OK" : "UNHEALTHY") << "\n";
    for (const auto& p : problems) std::cout << "  problem: " << p << "\n";
    for (const auto& w : warnings) std::cout << "  warning: " << w << "\n";
  }
  return problems.empty() ? mpp::kExitOk : mpp::kExitRefused;
}

int Watch(const Globals& g, const std::string& zone, int count) {
  v1::Request req;
  req.mutable_get_catalog();
  v1::Reply reply;
  // Fetch the catalog (zone filter) and the event endpoint.
  {
    zmq::context_t ctx(1);
    std::unique_ptr<mpp::BrokerClient> client;
    try {
      client = std::make_unique<mpp::BrokerClient>(&ctx, g.broker, g.client_id);
    } catch (const zmq::error_t& e) {
      std::cerr << "mppctl: '" << g.broker << "' is not a broker address (" << e.what()
                << "); write it as tcp://HOST:PORT\n";
      return 2;
    }
    mpp::BrokerClient::Options opt;
    opt.timeout_ms = g.timeout_ms;
    auto env = client->Call(req, opt);
    if (!env.ok()) {
      std::cerr << "mppctl: " << env.status().message() << "\n";
      return 3;
    }
    reply = env->reply();
  }
  const v1::Catalog& cat = reply.catalog();
  std::map<int, std::string> counter_zone;
  std::map<std::string, std::set<std::string>> service_zones;
  for (const auto& c : cat.counters()) {
    counter_zone[c.id()] = c.zone();
    for (const auto& s : c.services()) service_zones[s].insert(c.zone());
  }
  zmq::context_t ctx(1);
  zmq::socket_t sub(ctx, zmq::socket_type::sub);
  sub.set(zmq::sockopt::linger, 0);
  sub.set(zmq::sockopt::subscribe, std::string(mpp::kTopicEvent));
  mpp::ApplyClientKeys(sub);
  sub.connect(mpp::ResolveEventEndpoint(g.broker, reply.event_endpoint()));
  std::signal(SIGINT, [](int) { g_stop = true; });
  std::signal(SIGTERM, [](int) { g_stop = true; });
  int printed = 0;
  while (!g_stop && (count <= 0 || printed < count)) {
    zmq::pollitem_t item{sub.handle(), 0, ZMQ_POLLIN, 0};
    try {
      zmq::poll(&item, 1, std::chrono::milliseconds(200));
    } catch (const zmq::error_t&) {
      continue;
    }
    if (!(item.revents & ZMQ_POLLIN)) continue;
    std::vector<zmq::message_t> frames;
    if (!zmq::recv_multipart(sub, std::back_inserter(frames)) || frames.size() != 2) continue;
    v1::Envelope env;
    if (!env.ParseFromArray(frames[1].data(), static_cast<int>(frames[1].size()))) continue;
    if (!env.has_event()) continue;
    const v1::Event& e = env.event();
    if (!zone.empty()) {
      bool in_zone = (e.has_counter() && counter_zone[e.counter().id()] == zone) ||
                     (e.has_ticket() && service_zones[e.ticket().service()].count(zone));
      if (!in_zone) continue;
    }
    if (g.json) {
      json j = ToJson(e);
      j["seq"] = env.seq();
      j["time"] = mpp::FormatIsoLocal(env.time_ms(), cat.utc_offset_min());
      j["type"] = v1::EventType_Name(e.type());
      if (e.has_ticket()) j["number"] = e.ticket().number();
      std::cout << j << std::endl;
    } else {
      std::cout << env.seq() << "  " << mpp::FormatIsoLocal(env.time_ms(), cat.utc_offset_min())
                << "  " << v1::EventType_Name(e.type());
      if (e.has_ticket()) std::cout << "  " << e.ticket().number() << " " << e.ticket().service();
      if (e.has_counter()) std::cout << "  loket " << e.counter().id();
      std::cout << std::endl;
    }
    ++printed;
  }
  return 0;
}

// A ticket on the command line: its number or #id (#1234, 64-bit).
v1::TicketRef Ref(const std::string& s) {
  v1::TicketRef r;
  if (!s.empty() && s[0] == '#') {
    r.set_id(std::stoll(s.substr(1)));  // checked by kTicketArg
  } else {
    r.set_number(s);
  }
  return r;
}

const CLI::Validator kTicketArg(
    [](std::string& s) -> std::string {
      if (s.empty()) return "a ticket is its number (A-007) or #id (#1234)";
      if (s[0] != '#') return "";
      const std::string digits = s.substr(1);
      if (digits.empty() || digits.size() > 18 ||
          digits.find_first_not_of("0123456789") != std::string::npos || digits == "0") {
        return "'" + s + "' is not a ticket id: write #1234 (the id) or A-007 (the number)";
      }
      return "";
    },
    "TICKET");

}  // namespace

// A PIN from standard input: asked for without echo on a terminal, read as a
// line from a pipe (`echo 2580 | mppctl operator add ani --pin -`).
std::optional<std::string> ReadPin() {
  const bool tty = isatty(STDIN_FILENO);
  termios saved{};
  if (tty) {
    std::cerr << "PIN: " << std::flush;
    tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  const bool got = static_cast<bool>(std::getline(std::cin, line));
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  }
  if (!got || line.empty()) return std::nullopt;
  if (line.back() == '\r') line.pop_back();
  return line;
}

namespace {

// What the subcommands read: the global options and every subcommand's
// arguments, bound to CLI11 options.
struct Args {
  Globals g;
  std::string keys_dir;
  v1::Request req;
  std::string service, priority = "none", source = "staff", source_id, ticket, reason, op, zone;
  int counter = 0, count = 0;
  std::string catalog_file;
  std::string call_ticket, call_reason;
  std::string pin, name;
  std::vector<std::string> op_agencies;
  int64_t rate_ticket = 0;
  int score = 0;
  std::vector<int> skm;
  std::string print_error;
  int health_checkpoint_s = 600, health_heartbeat_ms = 3000;
  std::string key_dir, key_name = "device", dev_name, dev_role, dev_key, dev_zones;
  std::vector<int> dev_counters;
  std::string db = mpp::DefaultDatabasePath(), config = mpp::DefaultCatalogPath(), from, to,
              by = "service", format = "table", report_out;
  CLI::Option* report_db = nullptr;  // given: read the file, else ask the broker
  std::string ticker_text;
  std::string backup_db = mpp::DefaultDatabasePath(), backup_to;
  int backup_keep = 0;
  int archive_year = 0;
  bool archive_vacuum = false;
  std::string archive_to;
  int skip = 0;
  bool en() const { return g.lang == "en"; }
};

// One subcommand: what it runs once parsed. A new command is one entry.
struct Command {
  CLI::App* app;
  std::function<int(Args&)> run;
  bool uses_keys = true;  // talks to the broker (keys generate does not)
};
using Commands = std::vector<Command>;

// A failure that is not the broker's answer: JSON with --json, else a line on stderr.
int Fail(const Args& a, const std::string& code, const std::string& message, int exit_code) {
  if (a.g.json) {
    std::cout << json{{"ok", false}, {"code", code}, {"message", message}} << "\n";
  } else {
    std::cerr << "mppctl: " << message << "\n";
  }
  return exit_code;
}

// Sends `a.req` once set by `fill`.
Command Send(CLI::App* app, const std::function<void(Args&)>& fill) {
  return {app, [fill](Args& a) {
            fill(a);
            return Run(a.g, a.req);
          }};
}

// ---- tickets ----

int IssueTicket(Args& a) {
  auto* is = a.req.mutable_issue();
  is->set_service(a.service);
  std::string p = a.priority;
  for (auto& ch : p) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  v1::PriorityReason pr;
  if (p == "NONE") {
    pr = v1::PRIORITY_NONE;
  } else if (!v1::PriorityReason_Parse(p, &pr)) {
    std::cerr << "mppctl: unknown priority '" << a.priority
              << "'; use lansia, disabilitas, ibu_hamil, balita or korban_bencana\n";
    return 2;
  }
  is->set_priority(pr);
  std::string s = a.source;
  for (auto& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  v1::TicketSource src;
  if (!v1::TicketSource_Parse(s, &src) || src == v1::SOURCE_UNSPECIFIED) {
    std::cerr << "mppctl: unknown source '" << a.source << "'; use kiosk, online or staff\n";
    return 2;
  }
  is->set_source(src);
  is->set_source_id(a.source_id.empty() && src == v1::STAFF ? "mppctl" : a.source_id);
  return Run(a.g, a.req);
}

void AddTicketCommands(CLI::App& app, Args& a, Commands* out) {
  auto* issue = app.add_subcommand("issue", "issue a ticket for SERVICE");
  issue->add_option("SERVICE", a.service)->required();
  issue
      ->add_option("--priority", a.priority,
                   "none, lansia, disabilitas, ibu_hamil, balita, korban_bencana")
      ->capture_default_str();
  issue->add_option("--source", a.source, "kiosk, online or staff")->capture_default_str();
  issue->add_option("--source-id", a.source_id, "kiosk id, booking code or operator id");
  out->push_back({issue, IssueTicket});

  auto* rate = app.add_subcommand(
      "rate", "record a visitor's rating of finished TICKET_ID at COUNTER (SCORE 1..4)");
  rate->add_option("TICKET_ID", a.rate_ticket)->required();
  rate->add_option("COUNTER", a.counter)->required();
  rate->add_option("SCORE", a.score, "4 Sangat Puas, 3 Puas, 2 Kurang Puas, 1 Tidak Puas")
      ->required();
  rate->add_option("--skm", a.skm, "the nine SKM answers U1..U9 (1-4, 0 = not answered)")
      ->delimiter(',')
      ->expected(9);
  out->push_back(Send(rate, [](Args& a) {
    a.req.mutable_rate()->set_ticket_id(a.rate_ticket);
    a.req.mutable_rate()->set_counter_id(a.counter);
    a.req.mutable_rate()->set_score(a.score);
    for (int v : a.skm) a.req.mutable_rate()->add_skm(v);
  }));
  auto* unhold = app.add_subcommand("unhold", "return a held TICKET (A-007 or #id) to its queue");
  unhold->add_option("TICKET", a.ticket)->required()->check(kTicketArg);
  out->push_back(
      Send(unhold, [](Args& a) { *a.req.mutable_unhold()->mutable_ticket() = Ref(a.ticket); }));
  auto* cancel = app.add_subcommand("cancel", "cancel a waiting or held TICKET");
  cancel->add_option("TICKET", a.ticket)->required()->check(kTicketArg);
  out->push_back(
      Send(cancel, [](Args& a) { *a.req.mutable_cancel()->mutable_ticket() = Ref(a.ticket); }));
  auto* printed = app.add_subcommand(
      "printed", "report whether TICKET's paper was printed (--failed REASON when it was not)");
  printed->add_option("TICKET", a.ticket)->required()->check(kTicketArg);
  printed->add_option("--failed", a.print_error, "what the printer said, e.g. \"paper out\"");
  out->push_back(Send(printed, [](Args& a) {
    *a.req.mutable_report_print()->mutable_ticket() = Ref(a.ticket);
    a.req.mutable_report_print()->set_ok(a.print_error.empty());
    a.req.mutable_report_print()->set_error(a.print_error);
  }));
}

// ---- counters and operators ----

v1::OutOfOrderReason CallReason(const std::string& reason) {
  return reason == "returned-with-document"  ? v1::RETURNED_WITH_DOCUMENT
         : reason == "priority-noticed-late" ? v1::PRIORITY_NOTICED_LATE
         : reason == "wrong-queue-fixed"     ? v1::WRONG_QUEUE_FIXED
         : reason == "other"                 ? v1::OTHER_REASON
                                             : v1::IN_ORDER;
}

// `--pin -`: the PIN from standard input. False (and a message) when none came.
bool ResolvePin(Args& a) {
  if (a.pin != "-") return true;
  auto read = ReadPin();
  if (!read) {
    std::cerr << "mppctl: no PIN on standard input\n";
    return false;
  }
  a.pin = *read;
  return true;
}

void AddCounterCommands(CLI::App& app, Args& a, Commands* out) {
  struct Simple {
    const char* name;
    const char* help;
    std::function<void(Args&)> fill;
  };
  const Simple simple[] = {
      {"call", "call the next ticket to COUNTER",
       [](Args& a) {
         if (a.call_ticket.empty()) {
           a.req.mutable_call_next()->set_counter_id(a.counter);
           return;
         }
         v1::CallTicket* c = a.req.mutable_call_ticket();
         c->set_counter_id(a.counter);
         *c->mutable_ticket() = Ref(a.call_ticket);
         c->set_reason(CallReason(a.call_reason));
       }},
      {"recall", "call the current ticket again",
       [](Args& a) { a.req.mutable_recall()->set_counter_id(a.counter); }},
      {"start", "start serving the called ticket",
       [](Args& a) { a.req.mutable_start()->set_counter_id(a.counter); }},
      {"finish", "finish the ticket being served",
       [](Args& a) { a.req.mutable_finish()->set_counter_id(a.counter); }},
      {"noshow", "mark the called ticket as not present",
       [](Args& a) { a.req.mutable_no_show()->set_counter_id(a.counter); }},
      {"hold", "park the current ticket (visitor fetches a document)",
       [](Args& a) { a.req.mutable_hold()->set_counter_id(a.counter); }},
      {"open", "open COUNTER",
       [](Args& a) {
         a.req.mutable_open()->set_counter_id(a.counter);
         a.req.mutable_open()->set_operator_id(a.op);
       }},
      {"close", "close COUNTER", [](Args& a) { a.req.mutable_close()->set_counter_id(a.counter); }},
      {"signout", "sign the operator out of COUNTER (closes it)",
       [](Args& a) { a.req.mutable_sign_out()->set_counter_id(a.counter); }},
  };
  for (const Simple& s : simple) {
    auto* sc = app.add_subcommand(s.name, s.help);
    sc->add_option("COUNTER", a.counter)->required();
    if (std::string(s.name) == "open") sc->add_option("--operator", a.op, "operator id");
    if (std::string(s.name) == "call") {
      sc->add_option("--ticket", a.call_ticket,
                     "call this waiting ticket (A-007 or #id) instead of the next; ahead of its "
                     "turn it needs --reason, and the reports count it")
          ->check(kTicketArg);
      sc->add_option("--reason", a.call_reason, "why TICKET is called ahead of its turn")
          ->check(CLI::IsMember(
              {"returned-with-document", "priority-noticed-late", "wrong-queue-fixed", "other"}));
    }
    out->push_back(Send(sc, s.fill));
  }
  auto* transfer = app.add_subcommand("transfer", "send COUNTER's ticket to SERVICE's queue");
  transfer->add_option("COUNTER", a.counter)->required();
  transfer->add_option("SERVICE", a.service)->required();
  out->push_back(Send(transfer, [](Args& a) {
    a.req.mutable_transfer()->set_counter_id(a.counter);
    a.req.mutable_transfer()->set_service(a.service);
  }));
  auto* pause = app.add_subcommand("pause", "put COUNTER on a break");
  pause->add_option("COUNTER", a.counter)->required();
  pause->add_option("--reason", a.reason, "e.g. Istirahat, Salat, Gangguan sistem");
  out->push_back(Send(pause, [](Args& a) {
    a.req.mutable_pause()->set_counter_id(a.counter);
    a.req.mutable_pause()->set_reason(a.reason);
  }));
  auto* signin = app.add_subcommand("signin", "sign OPERATOR in at COUNTER with a PIN (opens it)");
  signin->add_option("COUNTER", a.counter)->required();
  signin->add_option("OPERATOR", a.op)->required();
  signin
      ->add_option("--pin", a.pin,
                   "the operator's PIN; '-' reads it from standard input (asked without "
                   "echo on a terminal), so it is not in `ps` or the shell's history")
      ->required();
  out->push_back({signin, [](Args& a) {
                    if (!ResolvePin(a)) return 2;
                    a.req.mutable_sign_in()->set_counter_id(a.counter);
                    a.req.mutable_sign_in()->set_operator_id(a.op);
                    a.req.mutable_sign_in()->set_pin(a.pin);
                    return Run(a.g, a.req);
                  }});
}

int ListOperators(Args& a) {
  v1::Request list;
  list.mutable_list_operators();
  v1::Reply r;
  if (const int rc = Run(a.g, list, &r, /*print_result=*/false); rc != 0) return rc;
  if (a.g.json) {
    std::cout << ToJson(r.operators()) << "\n";
    return 0;
  }
  for (const auto& o : r.operators().operators()) {
    std::string agencies;
    for (const auto& ag : o.agencies()) agencies += (agencies.empty() ? "" : ",") + ag;
    if (agencies.empty() || agencies == "*") agencies = a.en() ? "every agency" : "semua instansi";
    std::printf("%-16s %-28s %-24s%s\n", o.id().c_str(), o.name().c_str(), agencies.c_str(),
                o.disabled() ? (a.en() ? "  DISABLED" : "  NONAKTIF") : "");
  }
  return 0;
}

void AddOperatorCommands(CLI::App& app, Args& a, Commands* out) {
  auto* op = app.add_subcommand("operator", "add, change, disable or enable an operator");
  op->require_subcommand(1);
  auto* add = op->add_subcommand("add", "add OPERATOR (or change the PIN or name)");
  add->add_option("OPERATOR", a.op)->required();
  add->add_option("--pin", a.pin,
                  "4-8 digits (required for a new operator); '-' reads it from standard "
                  "input (asked without echo on a terminal)");
  add->add_option("--name", a.name, "full name");
  add->add_option("--agency", a.op_agencies,
                  "agency code whose counters OPERATOR signs in at (repeat for more; '*' = "
                  "every agency; default: keep, or every agency for a new operator)");
  auto* disable = op->add_subcommand("disable", "stop OPERATOR from signing in");
  disable->add_option("OPERATOR", a.op)->required();
  auto* enable = op->add_subcommand("enable", "let OPERATOR sign in again");
  enable->add_option("OPERATOR", a.op)->required();
  auto* list = op->add_subcommand(
      "list", "every operator: name, the agencies it may sign in at, disabled (admin only)");
  auto set = [](bool disabled) {
    return [disabled](Args& a) {
      if (!ResolvePin(a)) return 2;
      auto* so = a.req.mutable_set_operator();
      so->set_operator_id(a.op);
      so->set_pin(a.pin);
      so->set_name(a.name);
      so->set_disabled(disabled);
      for (const auto& ag : a.op_agencies) so->add_agencies(ag);
      return Run(a.g, a.req);
    };
  };
  out->push_back({add, set(false)});
  out->push_back({disable, set(true)});
  out->push_back({enable, set(false)});
  out->push_back({list, ListOperators});
}

// ---- keys and devices ----

int GenerateKeys(Args& a) {
  auto k = mpp::GenerateKeyPair();
  if (!k.ok()) return Fail(a, "INTERNAL", k.status().message(), mpp::kExitRefused);
  if (auto st = mpp::WriteKeyPair(a.key_dir, a.key_name, *k); !st.ok()) {
    return Fail(a, "INVALID_ARGUMENT", st.message(), mpp::kExitUsage);
  }
  const std::string base = a.key_dir + "/" + a.key_name;
  if (a.g.json) {
    std::cout << json{{"ok", true},
                      {"public_key", k->public_z85},
                      {"secret_file", base + ".key"},
                      {"public_file", base + ".pub"}}
              << "\n";
  } else {
    std::cout << base << ".key (secret, 0600) and " << base << ".pub: " << k->public_z85 << "\n";
  }
  return mpp::kExitOk;
}

int AddDevice(Args& a) {
  auto key = mpp::ReadPublicKey(a.dev_key);
  if (!key.ok()) {
    std::cerr << "mppctl: --key: " << key.status().message() << "\n";
    return 2;
  }
  v1::Device* d = a.req.mutable_set_device()->mutable_device();
  d->set_public_key(*key);
  d->set_name(a.dev_name);
  v1::DeviceRole role = v1::DEVICE_ROLE_UNSPECIFIED;
  mpp::ParseRole(a.dev_role, &role);  // CLI11 already checked it is one of the five
  d->set_role(role);
  for (int id : a.dev_counters) d->add_counter_ids(id);
  std::stringstream zs(a.dev_zones);
  std::string item;
  while (std::getline(zs, item, ',')) {
    if (!item.empty()) d->add_zones(item);
  }
  return Run(a.g, a.req);
}

int ReleaseDevice(Args& a) {
  a.req.mutable_release_device()->set_device(a.dev_name);
  v1::Reply r;
  if (const int rc = Run(a.g, a.req, &r, /*print_result=*/false); rc != 0) return rc;
  if (a.g.json) {
    std::cout << json{{"ok", true}, {"device", a.dev_name}} << "\n";
  } else {
    std::cout << (a.en() ? "device " + a.dev_name + " may try PINs again\n"
                         : "perangkat " + a.dev_name + " boleh mencoba PIN lagi\n");
  }
  return mpp::kExitOk;
}

int ListDevices(Args& a) {
  v1::Request list;
  list.mutable_list_devices();
  v1::Reply r;
  if (const int rc = Run(a.g, list, &r, /*print_result=*/false); rc != 0) return rc;
  if (a.g.json) {
    std::cout << ToJson(r.devices()) << "\n";
    return 0;
  }
  for (const auto& d : r.devices().devices()) {
    std::string scope;
    for (int id : d.counter_ids())
      scope += (scope.empty() ? "counters " : ",") + std::to_string(id);
    for (const auto& z : d.zones()) scope += (scope.empty() ? "zones " : ",") + z;
    const std::string seen =
        d.last_seen_ms() > 0 ? mpp::FormatIsoLocal(d.last_seen_ms(), offset_min).substr(0, 19) +
                                   (d.last_address().empty() ? "" : " " + d.last_address())
                             : (a.en() ? "not seen since the broker started" : "belum terlihat");
    std::printf("%-16s %-8s %-14s %s%s  %s\n", d.name().c_str(), mpp::RoleName(d.role()).c_str(),
                scope.c_str(), d.public_key().c_str(), d.revoked() ? "  REVOKED" : "",
                seen.c_str());
  }
  return 0;
}

int RevokeDevice(Args& a) {
  v1::Request list;
  list.mutable_list_devices();
  v1::Reply r;
  if (const int rc = Run(a.g, list, &r, /*print_result=*/false); rc != 0) return rc;
  for (const auto& d : r.devices().devices()) {
    if (d.name() != a.dev_name || d.revoked()) continue;
    *a.req.mutable_set_device()->mutable_device() = d;
    a.req.mutable_set_device()->mutable_device()->set_revoked(true);
    return Run(a.g, a.req);
  }
  std::cerr << "mppctl: no active device named '" << a.dev_name << "'; see `mppctl device list`\n";
  return 1;
}

void AddKeyAndDeviceCommands(CLI::App& app, Args& a, Commands* out) {
  auto* keys = app.add_subcommand("keys", "CURVE keypairs (docs/SECURITY.md)");
  auto* gen =
      keys->add_subcommand("generate", "write DIR/NAME.key (secret, mode 0600) and DIR/NAME.pub");
  gen->add_option("--dir", a.key_dir, "where to write")->required();
  gen->add_option("--name", a.key_name, "file name: broker, device, ...")->capture_default_str();
  keys->require_subcommand(1);
  out->push_back({gen, GenerateKeys, /*uses_keys=*/false});

  auto* device = app.add_subcommand("device", "devices allowed on a broker with keys (admin)");
  auto* add = device->add_subcommand("add", "allow a device's key with a role");
  add->add_option("NAME", a.dev_name, "e.g. kiosk-1, loket-3, display-a")->required();
  add->add_option("--role", a.dev_role,
                  "kiosk, counter, display, manager, admin or web (the visitors' web gateway)")
      ->required()
      ->check(CLI::IsMember({"kiosk", "counter", "display", "manager", "admin", "web"}));
  add->add_option("--key", a.dev_key, "the device's .pub file, or the key as z85:KEY")->required();
  add->add_option("--counters", a.dev_counters, "counter role: its counters, e.g. 3 or 3,4")
      ->delimiter(',')
      ->check(CLI::Range(1, 9999));
  add->add_option("--zones", a.dev_zones, "display role: its zones, e.g. A");
  auto* list = device->add_subcommand("list", "the allowed and revoked devices");
  auto* revoke = device->add_subcommand("revoke", "cut a device off");
  revoke->add_option("NAME", a.dev_name)->required();
  auto* release = device->add_subcommand(
      "release",
      "let a device held for wrong PINs try again now (its name, or client id without keys)");
  release->add_option("NAME", a.dev_name)->required();
  device->require_subcommand(1);
  out->push_back({add, AddDevice});
  out->push_back({list, ListDevices});
  out->push_back({revoke, RevokeDevice});
  out->push_back({release, ReleaseDevice});
}

// ---- what the broker shows ----

int PrintStatus(Args& a) {
  a.req.mutable_status();
  if (a.g.json) return Run(a.g, a.req);
  v1::Reply r;
  if (const int rc = Run(a.g, a.req, &r, /*print_result=*/false); rc != 0) return rc;
  const v1::Status& s = r.status();
  std::cout << "version      " << s.version() << "\n"
            << "seq          " << s.seq() << "\n"
            << "uptime       " << s.uptime_ms() / 1000 << " s\n"
            << "clients      " << s.clients() << " (seen in the last minute)\n"
            << "database     " << s.db_bytes() << " bytes\n"
            << "disk free    "
            << (s.disk_free_bytes() >= 0 ? std::to_string(s.disk_free_bytes() >> 20) + " MB"
                                         : std::string("unknown"))
            << (s.writes_refused() ? "  FULL: commands are refused until space is freed"
                : s.disk_low()     ? "  LOW: free space before it fills"
                                   : "")
            << "\n"
            << "business day " << s.business_day() << "\n"
            << "tickets      " << s.tickets_today() << " today, " << s.waiting() << " waiting\n"
            << "broker time  " << mpp::FormatIsoLocal(s.now_ms(), offset_min)
            << (s.clock_scale() != 1.0 ? " (simulated, " + std::to_string(s.clock_scale()) + "x)"
                                       : std::string())
            << "\n"
            << "endpoints    " << s.command_endpoint() << " (commands), " << s.event_endpoint()
            << " (events)\n"
            << "open files   limit " << s.open_file_limit()
            << (s.connections_refused_no_room() > 0
                    ? "; " + std::to_string(s.connections_refused_no_room()) +
                          " connections refused for want of them since start: raise "
                          "LimitNOFILE (docs/OPERATIONS.md, \"Open files\")"
                    : std::string())
            << "\n"
            << "WAL          "
            << (s.checkpoint_behind_ms() > 0
                    ? std::to_string(s.wal_frames_behind()) + " frames not yet copied, for " +
                          std::to_string(s.checkpoint_behind_ms() / 1000) + " s"
                    : std::string("checkpoints caught up"))
            << "\n";
  if (s.silent_devices_size() > 0) {
    std::cout << "silent       " << s.silent_devices_size() << " devices without a word for over "
              << s.silent_after_s() << " s:\n";
    for (const auto& d : s.silent_devices()) {
      std::cout << "  " << d.name() << " (" << mpp::RoleName(d.role()) << "): "
                << (d.last_seen_ms() > 0
                        ? "last seen " + mpp::FormatIsoLocal(d.last_seen_ms(), offset_min) +
                              (d.last_address().empty() ? "" : " from " + d.last_address())
                        : std::string("not seen since the broker started"))
                << "\n";
    }
  }
  return 0;
}

int PrintSnapshotOf(Args& a) {
  a.req.mutable_snapshot()->set_zone(a.zone);
  if (a.g.json) return Run(a.g, a.req);
  v1::Reply r;
  if (const int rc = Run(a.g, a.req, &r, /*print_result=*/false); rc != 0) return rc;
  PrintSnapshot(r.snapshot(), a.en());
  return 0;
}

int PrintCatalog(Args& a) {
  a.req.mutable_get_catalog();
  if (a.g.json) return Run(a.g, a.req);
  v1::Reply r;
  if (const int rc = Run(a.g, a.req, &r, /*print_result=*/false); rc != 0) return rc;
  const v1::Catalog& c = r.catalog();
  std::cout << c.name() << " (" << c.timezone() << ")\n";
  for (const auto& s : c.services()) {
    std::printf("  %-16s %-4s %-9s wait<=%3d min  serve<=%3d min  quota %4d  %s\n",
                s.code().c_str(), s.prefix().c_str(), s.agency().c_str(), s.wait_target_min(),
                s.service_std_min(), s.daily_quota(), (a.en() ? s.name_en() : s.name()).c_str());
  }
  for (const auto& k : c.counters()) {
    std::printf("  counter %2d %-9s zone %s:", k.id(), k.name().c_str(), k.zone().c_str());
    for (const auto& s : k.services()) std::printf(" %s", s.c_str());
    std::printf("\n");
  }
  return 0;
}

// catalog check FILE / catalog reload: what changes (or would), and what stops it.
int ChangeCatalog(Args& a) {
  if (a.g.json) return Run(a.g, a.req);
  v1::Reply r;
  const int rc = Run(a.g, a.req, &r, /*print_result=*/false);
  if (rc == 3 || !r.has_catalog_change()) return rc;
  const v1::CatalogChange& ch = r.catalog_change();
  std::cout << "catalog version " << ch.previous_version() << " -> " << ch.version() << "\n"
            << mpp::DescribeCatalogChange(ch);
  return rc;
}

void AddReadCommands(CLI::App& app, Args& a, Commands* out) {
  auto* catalog = app.add_subcommand(
      "catalog",
      "print the catalog in force; `check FILE` / `reload` change it while the hall runs");
  auto* check = catalog->add_subcommand(
      "check", "what FILE would change against the running hall, and what stops it (admin)");
  check->add_option("FILE", a.catalog_file, "a catalog file (TOML)")
      ->required()
      ->check(CLI::ExistingFile);
  auto* reload = catalog->add_subcommand(
      "reload",
      "the broker reads its --config file again and applies it when the checks pass, like "
      "SIGHUP (admin)");
  out->push_back({check, [](Args& a) {
                    std::ifstream in(a.catalog_file, std::ios::binary);
                    std::stringstream text;
                    text << in.rdbuf();
                    a.req.mutable_check_catalog()->set_toml(text.str());
                    a.req.mutable_check_catalog()->set_source_name(a.catalog_file);
                    return ChangeCatalog(a);
                  }});
  out->push_back({reload, [](Args& a) {
                    a.req.mutable_reload_catalog();
                    return ChangeCatalog(a);
                  }});
  out->push_back({catalog, PrintCatalog});  // after its subcommands: only when none was given

  auto* snapshot = app.add_subcommand("snapshot", "print the live state");
  snapshot->add_option("--zone", a.zone, "only this zone");
  out->push_back({snapshot, PrintSnapshotOf});
  auto* watch = app.add_subcommand("watch", "print events as they happen");
  watch->add_option("--zone", a.zone, "only this zone");
  watch->add_option("--count", a.count, "stop after N events");
  out->push_back({watch, [](Args& a) { return Watch(a.g, a.zone, a.count); }});
  auto* status = app.add_subcommand("status", "the broker's state and its devices");
  out->push_back({status, PrintStatus});
  auto* health = app.add_subcommand(
      "health",
      "for monitoring: exit 0 when the broker is healthy, 1 when not (each problem printed), 3 "
      "when it does not answer");
  health
      ->add_option("--checkpoint-behind-s", a.health_checkpoint_s,
                   "unhealthy when the WAL has not been fully checkpointed for this long")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
  health
      ->add_option("--heartbeat-ms", a.health_heartbeat_ms,
                   "unhealthy when no heartbeat comes on the event port within this time")
      ->check(CLI::Range(100, 60000))
      ->capture_default_str();
  out->push_back(
      {health, [](Args& a) { return Health(a.g, a.health_checkpoint_s, a.health_heartbeat_ms); }});

  auto* ticker = app.add_subcommand("ticker", "set the displays' running text");
  auto* set = ticker->add_subcommand("set", "show TEXT on every display");
  set->add_option("TEXT", a.ticker_text)->required();
  auto* reset = ticker->add_subcommand("reset", "go back to the catalog's text");
  ticker->require_subcommand(1);
  out->push_back(Send(set, [](Args& a) { a.req.mutable_set_ticker()->set_text(a.ticker_text); }));
  out->push_back(Send(reset, [](Args& a) { a.req.mutable_set_ticker()->set_text(""); }));
}

// ---- reports and the database ----

// The report in --format, to --out or stdout.
int Emit(Args& a, const mpp::report::Report& r) {
  if (a.format == "xlsx") {
    if (mpp::Status st = mpp::report::WriteXlsx(r, a.report_out); !st.ok()) {
      return Fail(a, "FAILED_PRECONDITION", st.message(), mpp::kExitUsage);
    }
    std::cerr << "mppctl: " << a.report_out << " written\n";
    return mpp::kExitOk;
  }
  const std::string text = mpp::report::Format(r, a.format);
  if (a.report_out.empty()) {
    std::cout << text;
    return mpp::kExitOk;
  }
  std::ofstream out(a.report_out, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return Fail(a, "FAILED_PRECONDITION", "cannot write " + a.report_out, mpp::kExitUsage);
  return mpp::kExitOk;
}

int Report(Args& a) {
  const std::string to = a.to.empty() ? a.from : a.to;
  if (a.report_db->count() == 0) {  // ask the broker
    a.req.mutable_report()->set_from(a.from);
    a.req.mutable_report()->set_to(to);
    a.req.mutable_report()->set_by(a.by);
    Globals rg = a.g;
    rg.timeout_ms = std::max(a.g.timeout_ms, 60000);  // a year's report takes a second or two
    v1::Reply r;
    if (const int rc = Run(rg, a.req, &r, /*print_result=*/false, /*retry=*/false); rc != 0) {
      return rc;
    }
    return Emit(a, mpp::report::FromProto(r.report()));
  }
  auto catalog = mpp::LoadCatalogFile(a.config);
  if (!catalog.ok()) {
    std::cerr << "mppctl: " << catalog.status().message() << "\n";
    return 2;
  }
  mpp::report::GroupBy group;
  mpp::report::ParseGroupBy(a.by, &group);
  const mpp::CatalogIndex index(std::move(*catalog));
  auto rep = mpp::report::Build(a.db, index, a.from, to, group);
  if (!rep.ok()) {
    std::cerr << "mppctl: " << rep.status().message() << "\n";
    return 2;
  }
  return Emit(a, *rep);
}

int Backup(Args& a) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const bool folder =
      !a.backup_to.empty() && (a.backup_to.back() == '/' || fs::is_directory(a.backup_to, ec));
  if (a.backup_keep > 0 && !folder) {
    return Fail(a, "INVALID_ARGUMENT",
                "--keep needs --to to be a folder (end it with /), where old backups are",
                mpp::kExitUsage);
  }
  std::string file = a.backup_to;
  if (folder) {
    fs::create_directories(a.backup_to, ec);
    if (ec) {
      return Fail(a, "FAILED_PRECONDITION",
                  "cannot create the backup folder " + a.backup_to + ": " + ec.message(),
                  mpp::kExitUsage);
    }
    file =
        (fs::path(a.backup_to) / mpp::store::BackupFileName(mpp::SystemClock().NowMs())).string();
  }
  mpp::store::BackupInfo info;
  if (mpp::Status st = mpp::store::BackupDatabase(a.backup_db, file, &info); !st.ok()) {
    return Fail(a, "FAILED_PRECONDITION", st.message(), mpp::kExitUsage);
  }
  std::vector<std::string> deleted;
  if (a.backup_keep > 0) {
    auto pruned = mpp::store::PruneBackups(a.backup_to, a.backup_keep);
    if (!pruned.ok()) {
      return Fail(a, "FAILED_PRECONDITION",
                  "backup " + file + " written, but " + pruned.status().message(),
                  mpp::kExitRefused);
    }
    deleted = std::move(pruned).value();
  }
  if (a.g.json) {
    std::cout << json{{"ok", true},
                      {"file", file},
                      {"bytes", info.bytes},
                      {"seq", info.last_seq},
                      {"tickets", info.tickets},
                      {"last_day", info.last_day},
                      {"deleted", deleted}}
              << "\n";
    return mpp::kExitOk;
  }
  std::cout << (a.en() ? "backup " : "cadangan ") << file << ": " << info.bytes << " bytes, seq "
            << info.last_seq << ", " << info.tickets << " tickets"
            << (info.last_day.empty() ? "" : ", last day " + info.last_day) << "\n";
  for (const auto& d : deleted) std::cout << (a.en() ? "deleted " : "dihapus ") << d << "\n";
  return mpp::kExitOk;
}

int Archive(Args& a) {
  mpp::store::ArchiveInfo info;
  if (mpp::Status st = mpp::store::ArchiveYears(a.backup_db, a.archive_year, a.archive_to,
                                                a.archive_vacuum, &info);
      !st.ok()) {
    return Fail(a, "FAILED_PRECONDITION", st.message(), mpp::kExitUsage);
  }
  if (a.g.json) {
    std::cout << json{{"ok", true},
                      {"file", a.archive_to},
                      {"first_day", info.first_day},
                      {"last_day", info.last_day},
                      {"days", info.days},
                      {"tickets", info.tickets},
                      {"events", info.events},
                      {"bytes_before", info.bytes_before},
                      {"bytes_after", info.bytes_after}}
              << "\n";
  } else {
    std::cout << (a.en() ? "archived " : "diarsipkan ") << info.first_day << " .. " << info.last_day
              << " (" << info.days << " days, " << info.tickets << " tickets, " << info.events
              << " events) to " << a.archive_to << "; database " << (info.bytes_before >> 20)
              << " MB -> " << (info.bytes_after >> 20) << " MB\n";
  }
  return mpp::kExitOk;
}

void AddDatabaseCommands(CLI::App& app, Args& a, Commands* out) {
  auto* report = app.add_subcommand(
      "report",
      "compliance report: counts, waiting and service times against each ticket's standard, "
      "ratings, SKM. Asks the broker; with --db reads a database file directly");
  a.report_db =
      report->add_option("--db", a.db, "read this SQLite file instead of asking the broker");
  report->add_option("--config", a.config, "with --db: the catalog the broker runs with")
      ->capture_default_str();
  report->add_option("--from", a.from, "first business day, YYYY-MM-DD")->required();
  report->add_option("--to", a.to, "last business day, YYYY-MM-DD (default: --from)");
  report->add_option("--by", a.by, "agency, service, counter, operator, day, hour or weekday-hour")
      ->check(CLI::IsMember(
          {"agency", "service", "counter", "operator", "day", "hour", "weekday-hour"}))
      ->capture_default_str();
  report
      ->add_option("--format", a.format,
                   "table, csv (for scripts), excel (CSV for Excel with Indonesian settings: "
                   "BOM, ';', decimal comma), xlsx (a workbook, needs --out), json or md")
      ->check(CLI::IsMember({"table", "csv", "excel", "xlsx", "json", "md"}))
      ->capture_default_str();
  report->add_option("--out", a.report_out, "write the report to this file instead of stdout");
  out->push_back({report, [](Args& a) {
                    if (a.format == "xlsx" && a.report_out.empty()) {
                      return Fail(
                          a, "INVALID_ARGUMENT",
                          "--format xlsx writes a workbook: give the file with --out laporan.xlsx",
                          mpp::kExitUsage);
                    }
                    return Report(a);
                  }});

  auto* backup = app.add_subcommand(
      "backup",
      "copy the database consistently while the broker runs (never cp: committed tickets may "
      "still be in its -wal file)");
  backup->add_option("--db", a.backup_db, "the broker's database")->capture_default_str();
  backup
      ->add_option("--to", a.backup_to,
                   "the new file (never overwritten), or a folder (an existing one, or a path "
                   "ending in /): there, mpp-YYYYMMDD-HHMMSS.db")
      ->required();
  backup
      ->add_option("--keep", a.backup_keep,
                   "with a folder: keep the newest N backups there, delete older ones")
      ->check(CLI::Range(1, 100000));
  out->push_back({backup, Backup});
  auto* archive = app.add_subcommand(
      "archive",
      "move the events and tickets of closed years into a file of their own (the broker "
      "stopped); reports do not change");
  archive->add_option("--db", a.backup_db, "the broker's database")->capture_default_str();
  archive->add_option("--through", a.archive_year, "the last year to move out, e.g. 2025")
      ->required()
      ->check(CLI::Range(2000, 9998));
  archive->add_option("--to", a.archive_to, "the new archive file, e.g. mpp-2025.db")->required();
  archive->add_flag("--vacuum", a.archive_vacuum,
                    "shrink the database file afterwards (needs free space about its size)");
  out->push_back({archive, Archive});
  auto* restore = app.add_subcommand(
      "restore",
      "after restoring a backup (docs/OPERATIONS.md): skip N numbers on every prefix today, so "
      "no number a visitor holds is issued again");
  restore->add_option("--skip", a.skip, "numbers to skip on every prefix (1-10000)")
      ->required()
      ->check(CLI::Range(1, 10000));
  out->push_back(Send(restore, [](Args& a) { a.req.mutable_skip_numbers()->set_margin(a.skip); }));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"mppctl - operate an MPP queue broker from the shell"};
  app.set_version_flag("--version", MPP_VERSION_STRING);
  app.require_subcommand(1);
  Args a;
  // Global flags may also follow the subcommand (mppctl status --json).
  app.fallthrough();
  app.add_option("--broker", a.g.broker, "broker command endpoint")
      ->envname("MPP_BROKER")
      ->capture_default_str();
  app.add_flag("--json", a.g.json, "print one JSON object per result");
  app.add_option("--timeout", a.g.timeout_ms, "give up after this many ms")
      ->capture_default_str()
      ->check(CLI::Range(100, 600000));
  app.add_option("--lang", a.g.lang, "language of messages: id or en")
      ->check(CLI::IsMember({"id", "en"}))
      ->capture_default_str();
  app.add_option("--client-id", a.g.client_id, "client id for retries")->capture_default_str();
  app.add_option("--request-id", a.g.request_id,
                 "reuse a request id (a retry: the broker answers with the stored reply)");
  app.add_option("--keys", a.keys_dir,
                 "CURVE keys of this device: DIR/device.key and DIR/broker.pub")
      ->envname("MPP_KEYS");
  // The subcommands, in the order `mppctl --help` lists them.
  Commands commands;
  AddReadCommands(app, a, &commands);
  AddTicketCommands(app, a, &commands);
  AddCounterCommands(app, a, &commands);
  AddOperatorCommands(app, a, &commands);
  AddKeyAndDeviceCommands(app, a, &commands);
  AddDatabaseCommands(app, a, &commands);

  MPP_PARSE(app, argc, argv);
  mpp::RouteProtobufLogsToSpdlog();
  if (a.g.json) a.format = "json";  // report: --json is --format json
  for (const Command& c : commands) {
    if (!c.app->parsed()) continue;
    if (c.uses_keys && !a.keys_dir.empty()) {
      auto keys = mpp::LoadClientKeys(a.keys_dir);
      if (!keys.ok()) {
        std::cerr << "mppctl: " << keys.status().message() << "\n";
        return 2;
      }
      mpp::UseClientKeys(*keys);
    }
    return c.run(a);
  }
  return mpp::kExitUsage;  // not reached: CLI11 requires a subcommand
}
