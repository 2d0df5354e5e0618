// ReportWorker: builds compliance reports for the broker on a thread of its
// own, with its own read-only SQLite connection, so a year-long report never
// delays a ticket on the reactor thread.
//
// The reactor hands a `report` request over an inproc PAIR socket as
// [identity][request Envelope][reply Envelope without its result]; the worker
// answers [identity][complete reply Envelope], which the reactor forwards to
// the client. Requests are served one at a time in arrival order; when
// kMaxQueued are waiting, the reactor answers UNAVAILABLE at once.
#pragma once

#include <atomic>

#include <string>
#include <vector>
#include <zmq.hpp>

#include "broker/net/pipe_worker.h"
#include "common/catalog.h"

namespace mpp::net {

class ReportWorker : public PipeWorker {
 public:
  static constexpr int kMaxQueued = 8;

  // `context` and `catalog` must outlive the worker. Binds `endpoint`
  // (inproc://...) for the reactor's side and starts the thread.
  ReportWorker(zmq::context_t* context, const CatalogIndex* catalog, std::string db_path,
               std::string endpoint);
  ~ReportWorker() override;  // stops and joins the thread
  // The catalog of the next reports (after a catalog change); `catalog` must
  // outlive the worker too: the broker keeps every catalog it loaded.
  void SetCatalog(const CatalogIndex* catalog) { catalog_.store(catalog); }

 private:
  void Serve(zmq::socket_t& sock, std::vector<zmq::message_t>& frames) override;

  std::atomic<const CatalogIndex*> catalog_;
  std::string db_path_;
};

}  // namespace mpp::net
