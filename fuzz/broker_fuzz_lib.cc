#include "fuzz/broker_fuzz_lib.h"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <memory>
#include <optional>
#include <zmq.hpp>

#include "broker/core/queue_core.h"
#include "testing/test_catalog.h"
#include "broker/net/reactor.h"
#include "broker/store/store.h"
#include "common/catalog.h"
#include "common/wire.h"

namespace mpp::fuzz {
namespace {

const char* const kUsers[] = {"admin-key",   "kiosk-key",   "counter-1-key",
                              "display-key", "manager-key", "stranger-key"};

class StepClock : public Clock {
 public:
  Millis NowMs() const override { return now_; }
  void Advance() { now_ += 1000; }

 private:
  Millis now_ = *ParseIsoTime("2026-11-30T09:00:00+07:00", 420);  // a Monday, open
};

// One broker on an in-memory database, with five devices.
struct Broker {
  Broker()
      : index(ParseCatalog(testing::kTestCatalog, "test.toml").value()),
        core(&index),
        store(store::Store::Open(":memory:").value()) {
    const std::pair<int, v1::DeviceRole> roles[] = {{0, v1::ROLE_ADMIN},
                                                    {1, v1::ROLE_KIOSK},
                                                    {2, v1::ROLE_COUNTER},
                                                    {3, v1::ROLE_DISPLAY},
                                                    {4, v1::ROLE_MANAGER}};
    for (const auto& [i, role] : roles) {
      v1::Device d;
      d.set_public_key(kUsers[i]);
      d.set_name(kUsers[i]);
      d.set_role(role);
      if (role == v1::ROLE_COUNTER) d.add_counter_ids(1);
      registry.Put(d);
    }
    net::ReactorOptions options;
    options.devices = &registry;
    options.pin_opslimit = 1;  // libsodium's minimum: the fuzzer needs speed, not secrecy
    options.pin_memlimit = 8192;
    options.user_id_of = [this](const zmq::message_t&) { return std::optional<std::string>(user); };
    reactor = std::make_unique<net::Reactor>(&context, &index, &core, store.get(), &clock, options);
  }

  zmq::context_t context{0};
  CatalogIndex index;
  core::QueueCore core;
  std::unique_ptr<store::Store> store;
  StepClock clock;
  net::DeviceRegistry registry;
  std::string user;
  std::unique_ptr<net::Reactor> reactor;
};

std::unique_ptr<Broker> g_broker;
int g_runs = 0;

// Appends one message to an input.
void Message(std::string* in, int device, const std::vector<std::string>& frames) {
  in->push_back(static_cast<char>(device));
  in->push_back(static_cast<char>(frames.size()));
  for (const auto& f : frames) {
    in->push_back(static_cast<char>(f.size() & 0xff));
    in->push_back(static_cast<char>((f.size() >> 8) & 0xff));
    *in += f;
  }
}

std::string Env(const v1::Request& r, const std::string& id) {
  v1::Envelope e;
  e.set_client_id("fuzz");
  e.set_request_id(id);
  *e.mutable_request() = r;
  return e.SerializeAsString();
}

}  // namespace

int RunOne(const uint8_t* data, size_t size, bool fresh) {
  int ok = 0;
  if (!g_broker || ++g_runs % 5000 == 0 || fresh) {
    spdlog::set_level(spdlog::level::off);  // the broker's logs are not the point here
    g_broker = std::make_unique<Broker>();
  }
  Broker& b = *g_broker;
  size_t pos = 0;
  for (int m = 0; m < 16 && pos + 2 <= size; ++m) {
    b.user = kUsers[data[pos] % 6];
    const int count = data[pos + 1] % 7;  // 0..6 frames after the identity
    pos += 2;
    std::vector<zmq::message_t> frames;
    frames.emplace_back(std::string_view("peer"));
    for (int f = 0; f < count && pos + 2 <= size; ++f) {
      size_t len = data[pos] | (static_cast<size_t>(data[pos + 1]) << 8);
      pos += 2;
      len = std::min(len, size - pos);
      frames.emplace_back(data + pos, len);
      pos += len;
    }
    const auto reply = b.reactor->HandleOne(std::move(frames), b.clock.NowMs());
    b.clock.Advance();
    if (reply) {
      v1::Envelope env;
      if (!env.ParseFromString(*reply) || !env.has_reply()) std::abort();  // invariant
      ok += env.reply().error().code() == v1::OK;
    }
  }
  return ok;
}

std::vector<std::string> SeedInputs() {
  std::vector<std::string> seeds;
  const std::string tag(kProtocolTag);
  auto one = [&](int device, const v1::Request& r, const std::string& id) {
    std::string in;
    Message(&in, device, {tag, Env(r, id)});
    seeds.push_back(in);
  };
  v1::Request r;
  r.mutable_status();
  one(3, r, "");
  r.Clear();
  r.mutable_snapshot()->set_zone("A");
  one(3, r, "");
  r.Clear();
  r.mutable_get_catalog();
  one(1, r, "");
  // A whole morning at counter 1, as one input.
  std::string day;
  v1::Request op;
  op.mutable_set_operator()->set_operator_id("ani");
  op.mutable_set_operator()->set_pin("2580");
  Message(&day, 0, {tag, Env(op, "s1")});
  v1::Request issue;
  issue.mutable_issue()->set_service("S1");
  issue.mutable_issue()->set_priority(v1::LANSIA);
  Message(&day, 1, {tag, Env(issue, "s2")});
  v1::Request in;
  in.mutable_sign_in()->set_counter_id(1);
  in.mutable_sign_in()->set_operator_id("ani");
  in.mutable_sign_in()->set_pin("2580");
  Message(&day, 2, {tag, Env(in, "s3")});
  for (const char* step : {"call", "start", "finish"}) {
    v1::Request c;
    if (std::string(step) == "call") c.mutable_call_next()->set_counter_id(1);
    if (std::string(step) == "start") c.mutable_start()->set_counter_id(1);
    if (std::string(step) == "finish") c.mutable_finish()->set_counter_id(1);
    Message(&day, 2, {tag, Env(c, std::string("s-") + step)});
  }
  v1::Request rate;
  rate.mutable_rate()->set_ticket_id(1);  // the first ticket of a fresh broker
  rate.mutable_rate()->set_counter_id(1);
  rate.mutable_rate()->set_score(4);
  for (int i = 0; i < 9; ++i) rate.mutable_rate()->add_skm(i % 5);
  Message(&day, 2, {tag, Env(rate, "s7")});
  seeds.push_back(day);
  r.Clear();
  r.mutable_set_ticker()->set_text("Selamat datang");
  one(4, r, "t1");
  r.Clear();
  r.mutable_report()->set_from("2026-11-30");
  r.mutable_report()->set_to("2026-11-30");
  one(4, r, "");
  r.Clear();
  v1::Device* d = r.mutable_set_device()->mutable_device();
  d->set_public_key("rq:Ajq9q6x-?0*=VFm6&h<c3k1gPwO3+XhSZ>1rK");
  d->set_name("kiosk-2");
  d->set_role(v1::ROLE_KIOSK);
  one(0, r, "d1");
  r.Clear();
  r.mutable_list_devices();
  one(0, r, "");
  r.Clear();
  r.mutable_transfer()->set_counter_id(1);
  r.mutable_transfer()->set_service("S2");
  one(2, r, "x1");
  r.Clear();
  r.mutable_cancel()->mutable_ticket()->set_number("A-001");
  one(1, r, "c1");
  // Refusals and broken input.
  r.Clear();
  r.mutable_call_next()->set_counter_id(2);
  one(2, r, "n1");  // another counter's
  r.Clear();
  r.mutable_issue()->set_service("S1");
  one(5, r, "n2");  // unknown device
  std::string broken;
  Message(&broken, 1, {"MPP9", "x"});
  Message(&broken, 1, {tag});
  Message(&broken, 1, {tag, std::string("\xff\xff\xff\x0f", 4)});
  seeds.push_back(broken);
  return seeds;
}

}  // namespace mpp::fuzz
