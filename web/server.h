// WebServer: mpp-web's HTTP side on libmicrohttpd.
//
// Why libmicrohttpd: a status page stays open for hours, following its
// ticket by Server-Sent Events. cpp-httplib and civetweb hold a thread per
// open connection (2,000 pages, 2,000 threads); libmicrohttpd serves all of
// them from a few event-loop threads (epoll) and parks a page with nothing to
// send (MHD_suspend_connection) until something changes. Debian packages it
// and it is the GNU project's own, maintained since 2007.
//
// Routes (GET and HEAD only):
//   /                   the public board (web/pages.h)
//   /t/TOKEN            a ticket's page;  /t/TOKEN/events  its live updates
//   /healthz            200 "ok" while the broker's live state is synced, else 503
//   /metrics            Prometheus text format
//   /static/style.css, /static/app.js
//   /booking, /booking/SERVICE (GET, POST), /b?code=, /b/CODE, /b/CODE/cancel
//                       appointments (web/booking_pages.h), through the BookingDesk
// ?lang=en switches a page to English.
//
// A change (NoteChange: new events, a fresher ticket status) resumes every
// parked stream, which sends its ticket's view again if it differs from what
// it sent last; every `keepalive_s` a parked stream sends a comment line, so
// a page closed by its visitor is noticed and dropped.
#pragma once

#include <microhttpd.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "common/catalog.h"
#include "common/clone_client.h"
#include "common/i18n.h"
#include "common/mutex.h"
#include "common/status.h"
#include "common/thread_annotations.h"
#include "web/booking_desk.h"
#include "web/pages.h"
#include "web/rate_limit.h"
#include "web/ticket_watch.h"

namespace mpp::web {

class WebServer {
 public:
  struct Options {
    std::string address = "127.0.0.1";  // --listen HOST
    int port = 8080;                    // 0: any free port (tests)
    int threads = 2;                    // event-loop threads
    int max_streams = 5000;             // open live pages, all addresses
    int streams_per_address = 20;
    // The visitor's address is the last X-Forwarded-For hop (behind the
    // MPP's reverse proxy); otherwise the connection's peer.
    bool trust_proxy = false;
    double pages_per_s = 2, pages_burst = 60;        // any request, per address
    double lookups_per_s = 0.2, lookups_burst = 20;  // tokens not known yet, per address
    // Bookings made (POST) per address: 5, then one every 10 minutes.
    double bookings_per_s = 1.0 / 600, bookings_burst = 5;
    int keepalive_s = 20;
    int max_url_bytes = 200;
    Lang lang = Lang::kId;  // without ?lang=
  };

  WebServer(Options options, TicketWatch* watch, CloneClient* clone, BookingDesk* desk);
  ~WebServer();
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  Status Start();
  int port() const { return port_; }
  // Ends every stream, then the daemon.
  void Stop();
  // The clone client saw a change: the watch refreshes the tickets it
  // follows (at most 4 times a second); the state is copied here only when
  // the connection or the catalog changed. Called on the clone's thread.
  void NoteLive();
  // These tickets' statuses changed: take the live state again and wake
  // their parked streams (no other). Called on the watch's thread.
  void NoteTickets(const std::vector<std::string>& tokens);
  // The watch answered new tokens (or failed to): wake the requests parked
  // for them.
  void OnAnswered();

 private:
  struct Stream;
  struct Request;
  struct Parked;
  struct Shared {  // what every page reads, replaced whole on a change
    CloneClient::View view;
    std::shared_ptr<const CatalogIndex> catalog;
  };

  static MHD_Result OnRequest(void* cls, MHD_Connection* c, const char* url, const char* method,
                              const char* version, const char* upload, size_t* upload_size,
                              void** state);
  static ssize_t OnStreamRead(void* cls, uint64_t pos, char* buf, size_t max);
  static void OnStreamEnd(void* cls);
  static void OnCompleted(void* cls, MHD_Connection* c, void** state,
                          MHD_RequestTerminationCode why);

  MHD_Result Route(MHD_Connection* c, const std::string& url, const std::string& method,
                   Parked** parked);
  // An answer; with `retry_after_s` > 0 it says when to try again (429, 503).
  MHD_Result Page(MHD_Connection* c, int code, const std::string& body,
                  const char* type = "text/html; charset=utf-8", bool cache = false,
                  int retry_after_s = 0);
  MHD_Result TicketRoute(MHD_Connection* c, const Request& r, const std::string& token, bool events,
                         Parked** parked);
  MHD_Result OpenStream(MHD_Connection* c, const Request& r, const std::string& token);
  MHD_Result BookingRoute(MHD_Connection* c, const Request& r, const CatalogIndex& catalog,
                          const PageContext& ctx, Parked** parked);
  MHD_Result ServiceSlots(MHD_Connection* c, const Request& r, const CatalogIndex& catalog,
                          const PageContext& ctx, const std::string& service, Parked** parked);
  MHD_Result BookingCode(MHD_Connection* c, const Request& r, const CatalogIndex& catalog,
                         const PageContext& ctx, const std::string& rest, Parked** parked);
  // The broker's answer to `request` for this visitor's request: null the
  // first time (the request is parked until the BookingDesk answers; return
  // MHD_YES), then the answer (nullopt: the broker did not answer).
  const std::optional<v1::Reply>* Ask(MHD_Connection* c, Parked** parked, v1::Request request,
                                      std::string request_id = "");
  MHD_Result Redirect(MHD_Connection* c, const std::string& location);
  // 503: the broker did not answer; `text` says what that means for the visitor.
  MHD_Result NotConnected(MHD_Connection* c, const std::string& route, const PageContext& ctx,
                          const std::string& text);
  std::string Metrics();
  std::string StreamPayload(Stream* s);
  std::shared_ptr<const Shared> Current() const;
  // Copies the clone's state (and its catalog when it changed) for the pages.
  void TakeLiveState();
  void ResumeAllStreams() REQUIRES(mu_);
  void Count(const std::string& route, int code);
  void Keepalive();

  const Options options_;
  TicketWatch* const watch_;
  CloneClient* const clone_;
  BookingDesk* const desk_;
  MHD_Daemon* daemon_ = nullptr;
  int port_ = 0;
  RateLimiter pages_;
  RateLimiter lookups_;
  RateLimiter bookings_;
  std::thread keepalive_;

  mutable Mutex mu_;
  CondVar stop_cv_;
  bool stopping_ GUARDED_BY(mu_) = false;
  std::shared_ptr<const Shared> shared_ GUARDED_BY(mu_);
  CloneClient::Glance glance_ GUARDED_BY(mu_);
  uint64_t version_ GUARDED_BY(mu_) = 0;
  uint64_t keepalive_round_ GUARDED_BY(mu_) = 0;
  std::multimap<std::string, Stream*> parked_ GUARDED_BY(mu_);  // by token: nothing to send
  std::set<MHD_Connection*> waiting_ GUARDED_BY(mu_);           // requests waiting for a token
  std::set<MHD_Connection*> asking_ GUARDED_BY(mu_);  // requests waiting for the booking desk
  int streams_ GUARDED_BY(mu_) = 0;
  std::map<std::string, int> streams_by_address_ GUARDED_BY(mu_);
  std::map<std::string, uint64_t> requests_ GUARDED_BY(mu_);  // "route code" -> count
  uint64_t limited_ GUARDED_BY(mu_) = 0;
  uint64_t stream_events_ GUARDED_BY(mu_) = 0;  // status events sent
};

}  // namespace mpp::web
