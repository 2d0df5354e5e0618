// CloneClient: keeps a LiveState in step with the broker on its own thread,
// by the Clone pattern (docs/PROTOCOL.md section 7): subscribe, snapshot,
// apply newer events, resync on a gap, on 3 s of silence or on reconnect.
// The rules are CloneSession's (common/clone_session.h); this class does the
// I/O they ask for.
//
// The UI thread reads copies (Read()) and takes announcements; `on_change` is
// called from the network thread after every change (a GUI passes
// glfwPostEmptyEvent so it can sleep in glfwWaitEvents between changes).
// While the broker is unreachable the last state stays readable and
// `connected` is false; it recovers by itself.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <thread>

#include "common/clone_session.h"
#include "common/live_state.h"
#include "common/mutex.h"
#include "common/status.h"
#include "mpp/v1/mpp.pb.h"

namespace mpp {

class CloneClient {
 public:
  struct Options {
    std::string broker = "tcp://127.0.0.1:5555";
    std::string client_id = "display";
    std::string zone;       // empty: the whole MPP
    int silence_ms = 3000;  // no event and no heartbeat this long: resync
    int request_timeout_ms = 1000;
    // "Still here" (v1::Hello) this often, so the broker can list the device
    // as silent when it is off; 0: never.
    int hello_ms = 20000;
  };
  struct View {
    LiveState state;
    bool connected = false;
    bool has_catalog = false;  // Catalog() has it
    // +1 each time a catalog is fetched: the broker's catalog changed (its
    // version in a snapshot or heartbeat), so screens rebuild what they took
    // from Catalog().
    uint64_t catalog_generation = 0;
    int64_t broker_offset_ms = 0;  // broker clock - local clock (simulated clocks)
    uint64_t resyncs = 0;
    // The last call failed because the broker refused this device's key in
    // the handshake (BrokerClient's PERMISSION_DENIED): not registered, or
    // revoked. Retrying goes on; the screens can tell staff what to fix.
    bool key_refused = false;
    // From the last heartbeat: the broker's disk is low, or full (commands
    // refused until there is space) - for the manager's alerts.
    bool disk_low = false;
    bool writes_refused = false;
  };

  CloneClient(Options options, std::function<void()> on_change);
  ~CloneClient();
  CloneClient(const CloneClient&) = delete;
  CloneClient& operator=(const CloneClient&) = delete;

  void Start();
  void Stop();  // joins the thread; returns within about 200 ms

  // A copy of the state for one frame (without the catalog, which is large and
  // changes rarely: take it with Catalog() when catalog_generation changes).
  View Read() const;
  // Where the state is, without copying it (for a program that reacts to
  // changes far more often than it reads the whole state).
  struct Glance {
    uint64_t seq = 0;
    bool connected = false;
    bool synced = false;
    uint64_t catalog_generation = 0;
  };
  Glance Peek() const;
  v1::Catalog Catalog() const;
  std::vector<Announcement> TakeAnnouncements();

 private:
  struct Net;  // the network thread's sockets and what it remembers (clone_client.cc)
  void Run();
  // Steps of Run, on the network thread.
  void FetchCatalog(Net& net);
  void TakeSnapshot(Net& net);
  void Listen(Net& net);
  void SayHello(Net& net);
  // A call, with its failure logged once per change and key refusals noted.
  StatusOr<v1::Envelope> Ask(Net& net, const v1::Request& request);
  // Logs a change of `connected` and wakes the UI.
  void NoteConnection(Net& net);
  void Pause(int ms) const;  // interruptible by Stop()

  Options options_;
  std::function<void()> on_change_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  mutable Mutex mu_;
  CloneSession session_ GUARDED_BY(mu_);
  bool key_refused_ GUARDED_BY(mu_) = false;
};

}  // namespace mpp
