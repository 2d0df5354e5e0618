#include "web/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>

#include "common/booking_code.h"
#include "common/ticket_token.h"
#include "web/booking_pages.h"
#include "web/pages.h"
#include "web/status_view.h"

namespace mpp::web {
namespace {

std::string PeerAddress(MHD_Connection* c) {
  const MHD_ConnectionInfo* info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (!info || !info->client_addr) return "?";
  char buf[INET6_ADDRSTRLEN] = "?";
  const sockaddr* sa = info->client_addr;
  if (sa->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, buf, sizeof buf);
  } else if (sa->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, buf, sizeof buf);
  }
  return buf;
}

std::string Trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  const auto e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

void AddSecurityHeaders(MHD_Response* r) {
  MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(r, "Referrer-Policy", "no-referrer");  // the token stays here
  MHD_add_response_header(r, "X-Frame-Options", "DENY");
  MHD_add_response_header(r, "Content-Security-Policy",
                          "default-src 'self'; style-src 'self'; script-src 'self'; "
                          "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'");
}

}  // namespace

constexpr int64_t kLookupTimeoutMs = 5000;

namespace {

std::string TooManyRequests(const PageContext& ctx) {
  return MessagePage(T(ctx.lang, "Terlalu banyak permintaan", "Too many requests"),
                     T(ctx.lang, "Tunggu sebentar, lalu buka lagi alamat pada tiket Anda.",
                       "Wait a moment, then open the address on your ticket again."),
                     ctx);
}

}  // namespace

// A request's state across MHD's calls: a token's first answer it waits for,
// or a form (POST) and the broker's reply to an appointment request.
struct WebServer::Parked {
  explicit Parked(int64_t since, bool was_routed = false) : since_ms(since), routed(was_routed) {}
  int64_t since_ms = 0;
  bool routed = false;  // Route saw it (the rate limits count it once)
  MHD_PostProcessor* post = nullptr;
  std::map<std::string, std::string> form;
  size_t form_bytes = 0;
  bool asked = false;              // sent to the booking desk: `reply` is its answer
  std::optional<v1::Reply> reply;  // nullopt: the broker did not answer
  ~Parked() {
    if (post) MHD_destroy_post_processor(post);
  }
};

struct WebServer::Request {
  std::string address;
  Lang lang = Lang::kId;
  std::string path;
  bool post = false;
  bool first = true;  // the first time Route sees it (not resumed)
};

struct WebServer::Stream {
  WebServer* server = nullptr;
  MHD_Connection* connection = nullptr;
  std::string token;
  Lang lang = Lang::kId;
  std::string address;
  std::string out;  // an event being written
  size_t written = 0;
  std::string last_json;  // what the page has
  uint64_t seen_version = 0;
  uint64_t seen_keepalive = 0;
};

WebServer::WebServer(Options options, TicketWatch* watch, CloneClient* clone, BookingDesk* desk)
    : options_(std::move(options)),
      watch_(watch),
      clone_(clone),
      desk_(desk),
      pages_(options_.pages_per_s, options_.pages_burst),
      lookups_(options_.lookups_per_s, options_.lookups_burst),
      bookings_(options_.bookings_per_s, options_.bookings_burst) {}

WebServer::~WebServer() { Stop(); }

Status WebServer::Start() {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(options_.port));
  if (inet_pton(AF_INET, options_.address.c_str(), &addr.sin_addr) != 1) {
    return Status::Error("--listen " + options_.address +
                         " is not an IPv4 address; use e.g. 127.0.0.1 (behind a reverse proxy) "
                         "or 0.0.0.0 (every interface)");
  }
  TakeLiveState();
  daemon_ = MHD_start_daemon(
      MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG, 0, nullptr,
      nullptr, &WebServer::OnRequest, this, MHD_OPTION_SOCK_ADDR, &addr,
      MHD_OPTION_THREAD_POOL_SIZE, static_cast<unsigned>(std::max(1, options_.threads)),
      MHD_OPTION_CONNECTION_LIMIT, static_cast<unsigned>(options_.max_streams + 500),
      MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u,
      MHD_OPTION_NOTIFY_COMPLETED, &WebServer::OnCompleted, this,
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, static_cast<size_t>(16384), MHD_OPTION_END);
  if (!daemon_) {
    return Status::Error("cannot listen on " + options_.address + ":" +
                         std::to_string(options_.port) +
                         " (in use, or a port below 1024 without the right); choose another "
                         "with --listen HOST:PORT");
  }
  const MHD_DaemonInfo* info = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT);
  port_ = info ? info->port : options_.port;
  keepalive_ = std::thread([this] { Keepalive(); });
  return Status::Ok();
}

void WebServer::Stop() {
  {
    MutexLock lock(&mu_);
    if (stopping_ || !daemon_) {
      stopping_ = true;
      return;
    }
    stopping_ = true;
    ResumeAllStreams();
    for (MHD_Connection* c : waiting_) MHD_resume_connection(c);
    waiting_.clear();
    for (MHD_Connection* c : asking_) MHD_resume_connection(c);  // answered "not connected"
    asking_.clear();
  }
  stop_cv_.SignalAll();
  if (keepalive_.joinable()) keepalive_.join();
  {
    // The resumed streams end (their reader sees stopping_); the daemon may
    // stop only when none is suspended.
    MutexLock lock(&mu_);
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (streams_ > 0 && stop_cv_.WaitUntil(&mu_, until)) {
    }
    ResumeAllStreams();
    for (MHD_Connection* c : waiting_) MHD_resume_connection(c);
    waiting_.clear();
  }
  MHD_stop_daemon(daemon_);
  daemon_ = nullptr;
}

void WebServer::Keepalive() {
  // Every second the requests waiting for a token look again (and give up
  // after kLookupTimeoutMs); every keepalive_s the parked streams write a
  // comment line.
  MutexLock lock(&mu_);
  auto next_keepalive =
      std::chrono::steady_clock::now() + std::chrono::seconds(options_.keepalive_s);
  while (!stopping_) {
    stop_cv_.WaitUntil(&mu_, std::chrono::steady_clock::now() + std::chrono::seconds(1));
    if (stopping_) break;
    for (MHD_Connection* c : waiting_) MHD_resume_connection(c);
    waiting_.clear();
    if (std::chrono::steady_clock::now() < next_keepalive) continue;
    next_keepalive += std::chrono::seconds(options_.keepalive_s);
    ++keepalive_round_;
    ResumeAllStreams();
  }
}

void WebServer::NoteLive() {
  const CloneClient::Glance g = clone_->Peek();
  watch_->NoteLiveChange(g.seq);
  bool take = false;
  {
    MutexLock lock(&mu_);
    take = g.connected != glance_.connected || g.synced != glance_.synced ||
           g.catalog_generation != glance_.catalog_generation || !shared_;
    glance_ = g;
  }
  if (take) TakeLiveState();
}

void WebServer::NoteTickets(const std::vector<std::string>& tokens) {
  TakeLiveState();
  MutexLock lock(&mu_);
  for (const std::string& token : tokens) {
    auto [first, last] = parked_.equal_range(token);
    for (auto it = first; it != last; ++it) MHD_resume_connection(it->second->connection);
    parked_.erase(first, last);
  }
}

void WebServer::TakeLiveState() {
  CloneClient::View view = clone_->Read();
  std::shared_ptr<const Shared> cur = Current();
  std::shared_ptr<const CatalogIndex> catalog = cur ? cur->catalog : nullptr;
  if (view.has_catalog && (!catalog || view.catalog_generation != cur->view.catalog_generation)) {
    catalog = std::make_shared<const CatalogIndex>(clone_->Catalog());
  }
  auto next = std::make_shared<Shared>();
  next->view = std::move(view);
  next->catalog = std::move(catalog);
  MutexLock lock(&mu_);
  ++version_;
  shared_ = std::move(next);
}

void WebServer::ResumeAllStreams() {
  for (auto& [token, s] : parked_) MHD_resume_connection(s->connection);
  parked_.clear();
}

std::shared_ptr<const WebServer::Shared> WebServer::Current() const {
  MutexLock lock(&mu_);
  return shared_;
}

void WebServer::Count(const std::string& route, int code) {
  MutexLock lock(&mu_);
  ++requests_[route + " " + std::to_string(code)];
  if (code == 429) ++limited_;
}

namespace {

// The fields of a form (application/x-www-form-urlencoded), at most 2 KB.
constexpr size_t kMaxFormBytes = 2048;

MHD_Result OnFormField(void* cls, MHD_ValueKind /*kind*/, const char* key, const char* /*filename*/,
                       const char* /*content_type*/, const char* /*encoding*/, const char* data,
                       uint64_t off, size_t size) {
  auto* form = static_cast<std::map<std::string, std::string>*>(cls);
  std::string& v = (*form)[key ? key : ""];
  if (off == 0) v.clear();
  if (data && v.size() + size <= kMaxFormBytes) v.append(data, size);
  return MHD_YES;
}

}  // namespace

MHD_Result WebServer::OnRequest(void* cls, MHD_Connection* c, const char* url, const char* method,
                                const char* /*version*/, const char* upload, size_t* upload_size,
                                void** state) {
  auto** parked = reinterpret_cast<Parked**>(state);
  if (method && std::strcmp(method, "POST") == 0) {
    // A form: its first call brings the headers, the next ones the body, the
    // last none; only then is it routed.
    if (!*parked) {
      *parked = new Parked(SteadyNowMs());
      (*parked)->post = MHD_create_post_processor(c, 1024, &OnFormField, &(*parked)->form);
      return MHD_YES;
    }
    if (*upload_size != 0) {
      Parked* p = *parked;
      p->form_bytes += *upload_size;
      if (p->post && p->form_bytes <= kMaxFormBytes)
        MHD_post_process(p->post, upload, *upload_size);
      *upload_size = 0;
      return MHD_YES;
    }
  } else if (*upload_size != 0) {  // GET and HEAD: a body is ignored
    *upload_size = 0;
    return MHD_YES;
  }
  return static_cast<WebServer*>(cls)->Route(c, url ? url : "", method ? method : "", parked);
}

MHD_Result WebServer::Page(MHD_Connection* c, int code, const std::string& body, const char* type,
                           bool cache, int retry_after_s) {
  MHD_Response* r = MHD_create_response_from_buffer(body.size(), const_cast<char*>(body.data()),
                                                    MHD_RESPMEM_MUST_COPY);
  MHD_add_response_header(r, "Content-Type", type);
  MHD_add_response_header(r, "Cache-Control", cache ? "public, max-age=3600" : "no-store");
  if (retry_after_s > 0) {
    MHD_add_response_header(r, "Retry-After", std::to_string(retry_after_s).c_str());
  }
  AddSecurityHeaders(r);
  const MHD_Result ret = MHD_queue_response(c, static_cast<unsigned>(code), r);
  MHD_destroy_response(r);
  return ret;
}

void WebServer::OnCompleted(void* cls, MHD_Connection* c, void** state,
                            MHD_RequestTerminationCode /*why*/) {
  auto* self = static_cast<WebServer*>(cls);
  auto* parked = static_cast<Parked*>(*state);
  if (!parked) return;
  {
    MutexLock lock(&self->mu_);
    self->waiting_.erase(c);
    self->asking_.erase(c);
  }
  delete parked;
  *state = nullptr;
}

void WebServer::OnAnswered() {
  MutexLock lock(&mu_);
  for (MHD_Connection* c : waiting_) MHD_resume_connection(c);
  waiting_.clear();
}

MHD_Result WebServer::Route(MHD_Connection* c, const std::string& url, const std::string& method,
                            Parked** parked) {
  Request r;
  r.address = PeerAddress(c);
  if (options_.trust_proxy) {
    if (const char* xff = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-For")) {
      const std::string hops = xff;
      const auto comma = hops.rfind(',');
      const std::string last = Trim(comma == std::string::npos ? hops : hops.substr(comma + 1));
      if (!last.empty()) r.address = last;
    }
  }
  r.lang = options_.lang;
  if (const char* l = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "lang")) {
    ParseLang(l, &r.lang);
  }
  r.path = url;
  const std::shared_ptr<const Shared> shared = Current();
  PageContext ctx{r.lang, url, shared && shared->catalog ? shared->catalog->catalog().name() : ""};
  auto message = [&](const std::string& route, int code, const char* id, const char* en,
                     const char* id_text, const char* en_text) {
    Count(route, code);
    return Page(c, code, MessagePage(T(r.lang, id, en), T(r.lang, id_text, en_text), ctx));
  };
  // Forms post to a service's booking page and to a booking's cancel.
  const bool form_route = (url.rfind("/booking/", 0) == 0 && url.size() > 9) ||
                          (url.rfind("/b/", 0) == 0 && url.size() > 10 &&
                           url.compare(url.size() - 7, 7, "/cancel") == 0);
  r.post = method == "POST";
  if (method != "GET" && method != "HEAD" && !(r.post && form_route)) {
    return message("other", 405, "Tidak didukung", "Not supported",
                   "Halaman ini hanya dapat dibuka.", "This page can only be opened (GET).");
  }
  if (url.size() > static_cast<size_t>(options_.max_url_bytes)) {
    return message("other", 414, "Alamat terlalu panjang", "Address too long",
                   "Periksa alamat pada tiket Anda.", "Check the address on your ticket.");
  }
  const int64_t now = SteadyNowMs();
  r.first = !*parked || !(*parked)->routed;
  if (*parked) (*parked)->routed = true;
  if (r.first && !pages_.Allow(r.address, now)) {
    Count("other", 429);
    return Page(c, 429, TooManyRequests(ctx), "text/html; charset=utf-8", false,
                std::max(1, pages_.RetryAfterS(r.address, now)));
  }
  if (url == "/static/style.css") {
    Count("static", 200);
    return Page(c, 200, kStyleCss, "text/css; charset=utf-8", true);
  }
  if (url == "/static/app.js") {
    Count("static", 200);
    return Page(c, 200, kAppJs, "text/javascript; charset=utf-8", true);
  }
  if (url == "/healthz") {
    const CloneClient::Glance g = clone_->Peek();
    const bool ok = g.connected && g.synced;
    const auto m = watch_->metrics();
    std::string body = ok ? "ok\n" : "not synced with the broker\n";
    if (ok && !m.broker_ok) body = "ok (the last ticket_status request was not answered)\n";
    Count("healthz", ok ? 200 : 503);
    return Page(c, ok ? 200 : 503, body, "text/plain; charset=utf-8");
  }
  if (url == "/metrics") {
    Count("metrics", 200);
    return Page(c, 200, Metrics(), "text/plain; version=0.0.4; charset=utf-8");
  }
  if (url == "/") {
    if (!shared || !shared->catalog) {
      return message("board", 503, "Sedang menyambung", "Connecting",
                     "Data antrean belum tersedia. Coba lagi sebentar.",
                     "The queues are not known yet. Try again in a moment.");
    }
    Count("board", 200);
    return Page(c, 200, BoardPage(BuildBoardView(watch_->Board(), *shared->catalog, r.lang), ctx));
  }
  if (url == "/booking" || url.rfind("/booking/", 0) == 0 || url == "/b" ||
      url.rfind("/b/", 0) == 0) {
    if (!shared || !shared->catalog) {
      return message("booking", 503, "Sedang menyambung", "Connecting",
                     "Data layanan belum tersedia. Coba lagi sebentar.",
                     "The services are not known yet. Try again in a moment.");
    }
    return BookingRoute(c, r, *shared->catalog, ctx, parked);
  }
  if (url.rfind("/t/", 0) == 0) {
    std::string token = url.substr(3);
    const bool events = token.size() > 7 && token.compare(token.size() - 7, 7, "/events") == 0;
    if (events) token.resize(token.size() - 7);
    return TicketRoute(c, r, token, events, parked);
  }
  return message("other", 404, "Halaman tidak ditemukan", "Page not found",
                 "Periksa alamatnya, atau buka halaman antrean semua layanan.",
                 "Check the address, or open the page of every service's queue.");
}

MHD_Result WebServer::TicketRoute(MHD_Connection* c, const Request& r, const std::string& token,
                                  bool events, Parked** parked) {
  const std::shared_ptr<const Shared> shared = Current();
  PageContext ctx{r.lang, r.path,
                  shared && shared->catalog ? shared->catalog->catalog().name() : ""};
  const char* route = events ? "events" : "ticket";
  std::optional<v1::TicketStatus> status;
  if (WellFormedToken(token)) {
    const int64_t now = SteadyNowMs();
    // A guess answered in the last 10 s is not asked again.
    status = watch_->Peek(token, *parked ? (*parked)->since_ms : now - 10000);
    if (!status && !*parked && !lookups_.Allow(r.address, now)) {
      Count(route, 429);
      return Page(c, 429, TooManyRequests(ctx), "text/html; charset=utf-8", false,
                  std::max(1, lookups_.RetryAfterS(r.address, now)));
    }
    if (!status) {
      const bool failed = *parked && (watch_->last_failure_ms() >= (*parked)->since_ms ||
                                      now - (*parked)->since_ms > kLookupTimeoutMs);
      bool stopping = false;
      if (!failed) {
        // Park the request (no thread waits) until the watch has an answer:
        // registered and suspended under the lock OnAnswered resumes under,
        // and asked for only then, so the answer cannot come first.
        MutexLock lock(&mu_);
        stopping = stopping_;
        if (!stopping) {
          if (!*parked) *parked = new Parked(now);
          waiting_.insert(c);
          MHD_suspend_connection(c);
        }
      }
      if (!failed && !stopping) {
        watch_->Request(token);
        return MHD_YES;
      }
      return NotConnected(c, route, ctx,
                          T(r.lang, "Coba lagi sebentar. Nomor Anda tetap berlaku.",
                            "Try again in a moment. Your number is still valid."));
    }
  } else {
    status.emplace();
    status->set_code(v1::NOT_FOUND);
  }
  if (events) {
    if (status->code() != v1::OK) {
      Count(route, 404);
      return Page(c, 404, "unknown ticket\n", "text/plain; charset=utf-8");
    }
    return OpenStream(c, r, token);
  }
  TicketInput in;
  in.status = &*status;
  in.live = shared ? &shared->view.state : nullptr;
  in.catalog = shared ? shared->catalog.get() : nullptr;
  in.lang = r.lang;
  const TicketView view = BuildTicketView(in);
  const int code = status->code() == v1::OK ? 200 : 404;
  Count(route, code);
  const std::string events_path = "/t/" + token + "/events" +
                                  (r.lang == options_.lang ? ""
                                   : r.lang == Lang::kEn   ? "?lang=en"
                                                           : "?lang=id");
  return Page(c, code, TicketPage(view, ctx, events_path));
}

MHD_Result WebServer::OpenStream(MHD_Connection* c, const Request& r, const std::string& token) {
  int refused = 0;
  {
    MutexLock lock(&mu_);
    if (stopping_ || streams_ >= options_.max_streams) {
      refused = 503;
    } else if (streams_by_address_[r.address] >= options_.streams_per_address) {
      refused = 429;
    } else {
      ++streams_;
      ++streams_by_address_[r.address];
    }
    if (streams_by_address_[r.address] == 0) streams_by_address_.erase(r.address);
  }
  if (refused) {
    Count("events", refused);
    return Page(c, refused,
                refused == 503 ? "too many open pages; the page retries by itself\n"
                               : "too many open pages from this address\n",
                "text/plain; charset=utf-8");
  }
  auto* s = new Stream;
  s->server = this;
  s->connection = c;
  s->token = token;
  s->lang = r.lang;
  s->address = r.address;
  MHD_Response* resp = MHD_create_response_from_callback(
      MHD_SIZE_UNKNOWN, 4096, &WebServer::OnStreamRead, s, &WebServer::OnStreamEnd);
  MHD_add_response_header(resp, "Content-Type", "text/event-stream; charset=utf-8");
  MHD_add_response_header(resp, "Cache-Control", "no-store");
  MHD_add_response_header(resp, "X-Accel-Buffering", "no");  // nginx: pass events at once
  AddSecurityHeaders(resp);
  Count("events", 200);
  const MHD_Result ret = MHD_queue_response(c, 200, resp);
  MHD_destroy_response(resp);
  return ret;
}

std::string WebServer::StreamPayload(Stream* s) {
  uint64_t version = 0, keepalive = 0;
  std::shared_ptr<const Shared> shared;
  {
    MutexLock lock(&mu_);
    version = version_;
    keepalive = keepalive_round_;
    shared = shared_;
  }
  s->seen_version = version;
  // Only followed tickets have statuses to update (no second lookup here).
  if (auto status = watch_->Peek(s->token, INT64_MAX); status && shared) {
    TicketInput in;
    in.status = &*status;
    in.live = &shared->view.state;
    in.catalog = shared->catalog.get();
    in.lang = s->lang;
    std::string json = TicketEventJson(BuildTicketView(in), s->lang);
    if (json != s->last_json) {
      const bool first = s->last_json.empty();
      s->last_json = std::move(json);
      s->seen_keepalive = keepalive;
      MutexLock lock(&mu_);
      ++stream_events_;
      return std::string(first ? "retry: 3000\n" : "") + "event: status\ndata: " + s->last_json +
             "\n\n";
    }
  }
  if (keepalive != s->seen_keepalive) {
    s->seen_keepalive = keepalive;
    return ": keepalive\n\n";
  }
  return "";
}

ssize_t WebServer::OnStreamRead(void* cls, uint64_t /*pos*/, char* buf, size_t max) {
  Stream* s = static_cast<Stream*>(cls);
  WebServer* self = s->server;
  for (;;) {
    if (s->written < s->out.size()) {
      const size_t n = std::min(max, s->out.size() - s->written);
      std::copy_n(s->out.data() + s->written, n, buf);
      s->written += n;
      return static_cast<ssize_t>(n);
    }
    s->out.clear();
    s->written = 0;
    {
      MutexLock lock(&self->mu_);
      if (self->stopping_) return MHD_CONTENT_READER_END_OF_STREAM;
    }
    s->out = self->StreamPayload(s);
    if (!s->out.empty()) continue;
    MutexLock lock(&self->mu_);
    if (self->stopping_) return MHD_CONTENT_READER_END_OF_STREAM;
    // A change between the payload and here would be missed if parked now.
    if (self->version_ != s->seen_version || self->keepalive_round_ != s->seen_keepalive) continue;
    self->parked_.emplace(s->token, s);
    MHD_suspend_connection(s->connection);
    return 0;
  }
}

void WebServer::OnStreamEnd(void* cls) {
  Stream* s = static_cast<Stream*>(cls);
  WebServer* self = s->server;
  {
    MutexLock lock(&self->mu_);
    auto [first, last] = self->parked_.equal_range(s->token);
    for (auto it = first; it != last; ++it) {
      if (it->second == s) {
        self->parked_.erase(it);
        break;
      }
    }
    --self->streams_;
    if (--self->streams_by_address_[s->address] <= 0) self->streams_by_address_.erase(s->address);
  }
  self->stop_cv_.SignalAll();
  delete s;
}

std::string WebServer::Metrics() {
  const TicketWatch::Metrics m = watch_->metrics();
  const std::shared_ptr<const Shared> shared = Current();
  std::string out;
  auto gauge = [&](const char* name, const char* help, const std::string& value,
                   const char* type = "gauge") {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" +
           name + " " + value + "\n";
  };
  const CloneClient::Glance g = clone_->Peek();
  const bool synced = g.connected && g.synced;
  gauge("mpp_web_broker_synced", "1 while mpp-web follows the broker's live state.",
        synced ? "1" : "0");
  gauge("mpp_web_broker_round_trip_seconds", "Round trip of the last request to the broker.",
        std::to_string(m.round_trip_ms / 1000.0));
  gauge("mpp_web_broker_requests_total", "Requests sent to the broker.", std::to_string(m.requests),
        "counter");
  gauge("mpp_web_broker_failures_total", "Requests the broker did not answer.",
        std::to_string(m.failures), "counter");
  gauge("mpp_web_watched_tickets", "Tickets followed by at least one page lately.",
        std::to_string(m.watched));
  if (m.broker_clients >= 0) {
    gauge("mpp_broker_clients",
          "Programs the broker heard from in the last minute: screens, kiosks, counters, ...",
          std::to_string(m.broker_clients));
  }
  {
    MutexLock lock(&mu_);
    gauge("mpp_web_streams", "Open live pages (Server-Sent Events).", std::to_string(streams_));
    gauge("mpp_web_stream_events_total", "Ticket updates sent to live pages.",
          std::to_string(stream_events_), "counter");
    gauge("mpp_web_rate_limited_total", "Requests refused by a rate limit.",
          std::to_string(limited_), "counter");
    out +=
        "# HELP mpp_web_requests_total HTTP requests by route and status code.\n"
        "# TYPE mpp_web_requests_total counter\n";
    for (const auto& [key, n] : requests_) {
      const auto sp = key.find(' ');
      out += "mpp_web_requests_total{route=\"" + key.substr(0, sp) + "\",code=\"" +
             key.substr(sp + 1) + "\"} " + std::to_string(n) + "\n";
    }
  }
  const v1::Snapshot board = watch_->Board();
  const char* names[] = {"mpp_tickets_issued_today", "mpp_tickets_served_today",
                         "mpp_tickets_waiting"};
  const char* helps[] = {"Tickets issued today, by service.",
                         "Tickets finished (served) today, by service.",
                         "Tickets waiting now, by service."};
  for (int k = 0; k < 3; ++k) {
    out += std::string("# HELP ") + names[k] + " " + helps[k] + "\n# TYPE " + names[k] + " gauge\n";
    for (const auto& q : board.queues()) {
      const int v = k == 0 ? q.issued_today() : k == 1 ? q.served_today() : q.waiting();
      out +=
          std::string(names[k]) + "{service=\"" + q.service() + "\"} " + std::to_string(v) + "\n";
    }
  }
  return out;
}

}  // namespace mpp::web

namespace mpp::web {
namespace {

// A form's nonce: 16 hex digits from the page that showed the form.
std::string NewNonce() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

bool ValidNonce(const std::string& n) {
  return n.size() == 16 && std::all_of(n.begin(), n.end(), [](char ch) {
           return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
         });
}

const std::string& Field(const std::map<std::string, std::string>& form, const char* key) {
  static const std::string kNone;
  const auto it = form.find(key);
  return it == form.end() ? kNone : it->second;
}

std::string ReplyText(const v1::Reply& reply, Lang l) {
  return l == Lang::kId ? reply.error().message_id() : reply.error().message_en();
}

}  // namespace

MHD_Result WebServer::NotConnected(MHD_Connection* c, const std::string& route,
                                   const PageContext& ctx, const std::string& text) {
  Count(route, 503);
  return Page(
      c, 503,
      MessagePage(T(ctx.lang, "Sistem antrean belum terhubung", "Not connected"), text, ctx));
}

MHD_Result WebServer::Redirect(MHD_Connection* c, const std::string& location) {
  MHD_Response* r = MHD_create_response_from_buffer(0, nullptr, MHD_RESPMEM_PERSISTENT);
  MHD_add_response_header(r, "Location", location.c_str());
  MHD_add_response_header(r, "Cache-Control", "no-store");
  AddSecurityHeaders(r);
  const MHD_Result ret = MHD_queue_response(c, 303, r);  // See Other: reloading does not repost
  MHD_destroy_response(r);
  return ret;
}

const std::optional<v1::Reply>* WebServer::Ask(MHD_Connection* c, Parked** parked,
                                               v1::Request request, std::string request_id) {
  if (!*parked) *parked = new Parked(SteadyNowMs(), true);
  Parked* p = *parked;
  if (p->asked) return &p->reply;  // answered, or resumed by Stop (nullopt)
  p->asked = true;
  {
    // Parked under the lock the answer resumes it under: the answer cannot
    // come before the suspension.
    MutexLock lock(&mu_);
    if (stopping_) return &p->reply;
    asking_.insert(c);
    MHD_suspend_connection(c);
  }
  desk_->Submit(std::move(request), std::move(request_id),
                [this, c, p](std::optional<v1::Reply> reply) {
                  MutexLock lock(&mu_);
                  if (!asking_.erase(c)) return;  // stopped meanwhile
                  p->reply = std::move(reply);
                  MHD_resume_connection(c);
                });
  return nullptr;
}

MHD_Result WebServer::BookingRoute(MHD_Connection* c, const Request& r, const CatalogIndex& catalog,
                                   const PageContext& ctx, Parked** parked) {
  const std::string& url = r.path;
  const std::string lang_q = r.lang == Lang::kEn ? "?lang=en" : "";
  if (url == "/booking") {
    Count("booking", 200);
    return Page(c, 200, BookingStartPage(catalog, ctx));
  }
  if (url == "/b") {  // the start page's "already have a code?" box
    const char* typed = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "code");
    const auto code = NormalizeBookingCode(typed ? typed : "");
    if (code) {
      Count("booking", 303);
      return Redirect(c, "/b/" + *code + lang_q);
    }
    Count("booking", 404);
    return Page(c, 404,
                MessagePage(T(r.lang, "Kode tidak dikenali", "Code not recognised"),
                            T(r.lang,
                              "Kode janji temu terdiri dari 8 huruf dan angka, misalnya "
                              "7KQ2-M9XD.",
                              "A booking code is 8 letters and digits, e.g. 7KQ2-M9XD."),
                            ctx));
  }
  if (url.rfind("/booking/", 0) == 0)
    return ServiceSlots(c, r, catalog, ctx, url.substr(9), parked);
  return BookingCode(c, r, catalog, ctx, url.substr(3), parked);
}

MHD_Result WebServer::ServiceSlots(MHD_Connection* c, const Request& r, const CatalogIndex& catalog,
                                   const PageContext& ctx, const std::string& service,
                                   Parked** parked) {
  const v1::Service* s = catalog.FindService(service);
  if (!s || s->appointments().slot_min() <= 0 || s->retired()) {
    Count("booking", 404);
    return Page(c, 404,
                MessagePage(T(r.lang, "Layanan tanpa janji temu", "No appointments"),
                            T(r.lang,
                              "Layanan ini tidak menerima janji temu. Pilih dari daftar "
                              "di halaman Janji temu.",
                              "This service takes no appointments. Choose one on the "
                              "Appointments page."),
                            ctx));
  }
  const std::string lang_q = r.lang == Lang::kEn ? "?lang=en" : "";
  std::string error;
  if (r.post) {
    const auto& form = (*parked)->form;
    const std::string& slot = Field(form, "slot");
    const std::string& nonce = Field(form, "nonce");
    const size_t slash = slot.find('/');
    int start = -1;
    if (slash != std::string::npos) start = std::atoi(slot.c_str() + slash + 1);
    if (!ValidNonce(nonce) || slash == std::string::npos || start < 0 || start >= 24 * 60) {
      Count("book", 400);
      return Page(c, 400,
                  MessagePage(T(r.lang, "Formulir tidak lengkap", "Incomplete form"),
                              T(r.lang, "Buka lagi halaman layanan dan pilih jamnya.",
                                "Open the service's page again and choose a time."),
                              ctx));
    }
    if (r.first && !bookings_.Allow(r.address, SteadyNowMs())) {
      Count("book", 429);
      return Page(c, 429,
                  MessagePage(T(r.lang, "Terlalu banyak janji temu", "Too many appointments"),
                              T(r.lang,
                                "Dari alamat ini sudah dibuat banyak janji temu. Coba "
                                "lagi nanti, atau ambil nomor di kios.",
                                "Many appointments were made from this address. Try again later, "
                                "or take a number at a kiosk."),
                              ctx),
                  "text/html; charset=utf-8", false,
                  std::max(1, bookings_.RetryAfterS(r.address, SteadyNowMs())));
    }
    v1::Request book;
    book.mutable_book()->set_service(s->code());
    book.mutable_book()->set_day(slot.substr(0, slash));
    book.mutable_book()->set_start_min(start);
    book.mutable_book()->set_name(Field(form, "name"));
    book.mutable_book()->set_phone(Field(form, "phone"));
    const auto* reply = Ask(c, parked, std::move(book), "form-" + nonce);
    if (!reply) return MHD_YES;
    if (*reply && (*reply)->error().code() == v1::OK) {
      Count("book", 303);
      return Redirect(c, "/b/" + (*reply)->booking().code() + lang_q);
    }
    if (!*reply) {
      return NotConnected(c, "book", ctx,
                          T(r.lang, "Janji temu belum dibuat. Coba lagi sebentar.",
                            "No appointment was made. Try again in a moment."));
    }
    // Refused (the slot filled meanwhile, a bad phone number): the form
    // again with the reason, from fresh slots.
    error = ReplyText(**reply, r.lang);
    (*parked)->asked = false;
    (*parked)->reply.reset();
  }
  v1::Request list;
  list.mutable_list_slots()->set_service(s->code());
  const auto* reply = Ask(c, parked, std::move(list));
  if (!reply) return MHD_YES;
  if (!*reply || (*reply)->error().code() != v1::OK) {
    return NotConnected(c, "booking", ctx,
                        *reply ? ReplyText(**reply, r.lang)
                               : T(r.lang, "Coba lagi sebentar.", "Try again in a moment."));
  }
  SlotsInput in;
  in.service = s;
  in.catalog = &catalog;
  in.slots = &(*reply)->slots();
  if (const char* day = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "day")) in.day = day;
  in.nonce = NewNonce();
  in.error = error;
  const int code = error.empty() ? 200 : 409;
  Count(r.post ? "book" : "booking", code);
  return Page(c, code, SlotsPage(in, ctx));
}

MHD_Result WebServer::BookingCode(MHD_Connection* c, const Request& r, const CatalogIndex& catalog,
                                  const PageContext& ctx, const std::string& rest,
                                  Parked** parked) {
  const bool cancel = r.post;  // the form route: /b/CODE/cancel
  const std::string raw = cancel ? rest.substr(0, rest.size() - 7) : rest;
  const auto code = NormalizeBookingCode(raw);
  auto not_found = [&] {
    Count("b", 404);
    return Page(c, 404,
                MessagePage(T(r.lang, "Janji temu tidak ditemukan", "Appointment not found"),
                            T(r.lang,
                              "Periksa kodenya. Janji temu yang harinya sudah lewat tidak "
                              "dapat dibuka lagi.",
                              "Check the code. An appointment whose day has passed can no longer "
                              "be opened."),
                            ctx));
  };
  if (!code || *code != raw) return not_found();
  // Codes are guessable only slowly: every look-up counts like a token's.
  if (r.first && !lookups_.Allow(r.address, SteadyNowMs())) {
    Count("b", 429);
    return Page(c, 429, TooManyRequests(ctx), "text/html; charset=utf-8", false,
                std::max(1, lookups_.RetryAfterS(r.address, SteadyNowMs())));
  }
  v1::Request req;
  if (cancel) {
    req.mutable_cancel_booking()->set_code(*code);
  } else {
    req.mutable_get_booking()->set_code(*code);
  }
  const auto* reply = Ask(c, parked, std::move(req));
  if (!reply) return MHD_YES;
  if (!*reply) {
    return NotConnected(c, "b", ctx,
                        T(r.lang, "Coba lagi sebentar. Janji temu Anda tetap berlaku.",
                          "Try again in a moment. Your appointment still stands."));
  }
  const v1::Reply& answer = **reply;
  if (answer.error().code() == v1::NOT_FOUND) return not_found();
  if (cancel) {
    if (answer.error().code() != v1::OK) {
      Count("b", 409);
      return Page(c, 409,
                  MessagePage(T(r.lang, "Tidak dapat dibatalkan", "Cannot be cancelled"),
                              ReplyText(answer, r.lang), ctx));
    }
    Count("b", 303);
    return Redirect(c, "/b/" + *code + (r.lang == Lang::kEn ? "?lang=en" : ""));
  }
  const std::string& base = catalog.catalog().public_url();
  const std::string qr = base.empty() ? FormatBookingCode(*code) : base + "/b/" + *code;
  Count("b", 200);
  return Page(c, 200, BookingPage(answer.booking(), catalog, qr, ctx));
}

}  // namespace mpp::web
