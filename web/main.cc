// mpp-web: the visitors' web gateway - a ticket's live page on the visitor's
// phone (the QR code on the ticket opens it), the public board of every
// service's queue, and /healthz and /metrics for the IT officer.
//
//   mpp-web --broker tcp://127.0.0.1:5555 [--keys DIR] [--listen 127.0.0.1:8080]
//           [--lang id|en] [--trust-proxy] [--threads N] [--max-streams N]
//
// It connects to the broker as a device of role `web` (docs/SECURITY.md):
// it reads public state and tickets by token, nothing else. The live state
// comes by the Clone pattern (CloneClient), tickets by token from a watch
// thread (web/ticket_watch.h), HTTP from libmicrohttpd (web/server.h).
#include <pthread.h>
#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <iostream>

#include "common/cli.h"
#include "common/clone_client.h"
#include "common/keys.h"
#include "common/logging.h"
#include "common/wire.h"
#include "web/server.h"
#include "web/ticket_watch.h"

namespace {

// "HOST:PORT", "PORT" or ":PORT".
bool ParseListen(const std::string& text, std::string* host, int* port) {
  const auto colon = text.rfind(':');
  std::string p = colon == std::string::npos ? text : text.substr(colon + 1);
  if (colon != std::string::npos && colon > 0) *host = text.substr(0, colon);
  try {
    size_t used = 0;
    *port = std::stoi(p, &used);
    return used == p.size() && *port >= 0 && *port <= 65535;
  } catch (...) {
    return false;
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"mpp-web - the visitors' web gateway of the MPP queue system"};
  app.set_version_flag("--version", MPP_VERSION_STRING);
  std::string broker = "tcp://127.0.0.1:5555", keys_dir, listen = "127.0.0.1:8080";
  std::string lang_s = "id", log_level = "info", client_id = "web";
  mpp::web::WebServer::Options so;
  app.add_option("--broker", broker, "broker command endpoint")
      ->envname("MPP_BROKER")
      ->capture_default_str();
  app.add_option("--keys", keys_dir,
                 "CURVE keys: DIR/device.key (a device of role web) and DIR/broker.pub")
      ->envname("MPP_KEYS");
  app.add_option("--listen", listen,
                 "HOST:PORT to serve HTTP on (port 0: any free one, printed at start); keep it "
                 "on 127.0.0.1 behind the MPP's reverse proxy with TLS")
      ->capture_default_str();
  app.add_option("--lang", lang_s, "pages' language without ?lang=: id or en")
      ->check(CLI::IsMember({"id", "en"}))
      ->capture_default_str();
  app.add_flag("--trust-proxy", so.trust_proxy,
               "take the visitor's address from X-Forwarded-For (only behind a reverse proxy "
               "that sets it)");
  app.add_option("--threads", so.threads, "HTTP event-loop threads")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  app.add_option("--max-streams", so.max_streams, "open live pages at most (all visitors)")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  app.add_option("--streams-per-address", so.streams_per_address,
                 "open live pages at most from one address")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  app.add_option("--pages-per-minute", so.pages_per_s,
                 "requests a minute from one address, on average (bursts of 60)")
      ->transform([](const std::string& v) { return std::to_string(std::stod(v) / 60.0); })
      ->check(CLI::PositiveNumber);
  double board_s = 5;
  app.add_option("--board-seconds", board_s,
                 "how often the public board and /metrics take the queues from the broker")
      ->check(CLI::Range(0.2, 3600.0))
      ->capture_default_str();
  app.add_option("--client-id", client_id, "this gateway's client id (without keys)")
      ->capture_default_str();
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error")
      ->capture_default_str();
  MPP_PARSE(app, argc, argv);
  mpp::SetUpLogging("mpp-web", log_level);
  if (auto st = mpp::UseClientKeysFrom(keys_dir); !st.ok()) {
    std::cerr << "mpp-web: " << st.message() << "\n";
    return 2;
  }
  if (!ParseListen(listen, &so.address, &so.port)) {
    std::cerr << "mpp-web: --listen " << listen << " is not HOST:PORT; write e.g. 127.0.0.1:8080\n";
    return 2;
  }
  mpp::ParseLang(lang_s, &so.lang);

  // SIGINT and SIGTERM are taken by sigwait below: blocked here, before any
  // thread starts (threads inherit the mask), so none of them is interrupted.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  mpp::web::WebServer* server_ptr = nullptr;
  std::atomic<bool> ready{false};
  auto live = [&] {
    if (ready) server_ptr->NoteLive();
  };
  auto changed = [&](const std::vector<std::string>& tokens) {
    if (ready) server_ptr->NoteTickets(tokens);
  };
  mpp::web::TicketWatch::Options wo;
  wo.broker = broker;
  wo.client_id = client_id + "-status";
  wo.board_every_ms = static_cast<int>(board_s * 1000);
  auto answered = [&] {
    if (ready) server_ptr->OnAnswered();
  };
  mpp::web::TicketWatch watch(wo, changed, answered);
  mpp::CloneClient::Options co;
  co.broker = broker;
  co.client_id = client_id;
  mpp::CloneClient clone(co, live);
  mpp::web::BookingDesk::Options bo;
  bo.broker = broker;
  bo.client_id = client_id + "-booking";
  mpp::web::BookingDesk desk(bo);
  mpp::web::WebServer server(so, &watch, &clone, &desk);
  server_ptr = &server;
  clone.Start();
  watch.Start();
  desk.Start();
  if (auto st = server.Start(); !st.ok()) {
    std::cerr << "mpp-web: " << st.message() << "\n";
    desk.Stop();
    watch.Stop();
    clone.Stop();
    return 2;
  }
  ready = true;
  // The ready line tests and scripts wait for (with the port when it was 0).
  std::printf("mpp-web ready http://%s:%d\n", so.address.c_str(), server.port());
  std::fflush(stdout);
  spdlog::info("serving http://{}:{} for broker {}", so.address, server.port(), broker);
  // Under systemd (Type=notify): ready once listening. No-op elsewhere.
  sd_notifyf(0, "READY=1\nSTATUS=serving http://%s:%d for broker %s", so.address.c_str(),
             server.port(), broker.c_str());
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  spdlog::info("stopping");
  sd_notify(0, "STOPPING=1");
  ready = false;
  server.Stop();
  desk.Stop();  // before the server goes: its answers resume the server's requests
  watch.Stop();
  clone.Stop();
  return 0;
}
