#include "common/catalog.h"

#include <toml++/toml.h>

#include <fstream>
#include <limits>
#include <set>
#include <sstream>

namespace mpp {
namespace {

constexpr const char* kDayKeys[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

int YearMonthDay(const LocalTime& t) { return t.year * 10000 + t.month * 100 + t.day; }

// Collects every problem in the file with its position, so an operator can fix
// them all in one go.
class Problems {
 public:
  explicit Problems(std::string source) : source_(std::move(source)) {}

  void Add(const toml::source_region& where, const std::string& what) {
    std::ostringstream os;
    os << source_ << ":" << where.begin.line << ":" << where.begin.column << ": " << what;
    list_.push_back(os.str());
  }
  void AddFileLevel(const std::string& what) { list_.push_back(source_ + ": " + what); }
  bool empty() const { return list_.empty(); }
  std::string Joined() const {
    std::string out;
    for (const auto& p : list_) out += (out.empty() ? "" : "\n") + p;
    return out;
  }

 private:
  std::string source_;
  std::vector<std::string> list_;
};

// Typed, checked access to one TOML table. Keys not read by the time Finish()
// is called are reported as unknown, which catches typos such as "qouta".
class Fields {
 public:
  Fields(const toml::table& t, std::string context, Problems* p)
      : t_(t), context_(std::move(context)), p_(p) {}

  std::string Str(const char* key, bool required, std::string fallback = "") {
    seen_.insert(key);
    const toml::node* n = t_.get(key);
    if (!n) {
      if (required) p_->Add(t_.source(), context_ + ": missing required key '" + key + "'");
      return fallback;
    }
    if (auto v = n->value<std::string>(); v && n->is_string()) {
      // One line of text: a NUL or a newline in a name breaks screens and paper.
      for (unsigned char ch : *v) {
        if (ch < 0x20 || ch == 0x7f) {
          p_->Add(n->source(), context_ + ": '" + key +
                                   "' contains a control character (a NUL, tab or line break); "
                                   "write it on one line");
          return fallback;
        }
      }
      return *v;
    }
    p_->Add(n->source(), context_ + ": '" + key + "' must be a string");
    return fallback;
  }

  int64_t Int(const char* key, bool required, int64_t fallback, int64_t lo, int64_t hi) {
    seen_.insert(key);
    const toml::node* n = t_.get(key);
    if (!n) {
      if (required) p_->Add(t_.source(), context_ + ": missing required key '" + key + "'");
      return fallback;
    }
    if (!n->is_integer()) {
      p_->Add(n->source(), context_ + ": '" + key + "' must be a whole number");
      return fallback;
    }
    const int64_t v = *n->value<int64_t>();
    if (v < lo || v > hi) {
      p_->Add(n->source(), context_ + ": '" + key + "' is " + std::to_string(v) +
                               ", it must be between " + std::to_string(lo) + " and " +
                               std::to_string(hi));
      return fallback;
    }
    return v;
  }

  bool Bool(const char* key, bool fallback) {
    seen_.insert(key);
    const toml::node* n = t_.get(key);
    if (!n) return fallback;
    if (!n->is_boolean()) {
      p_->Add(n->source(), context_ + ": '" + key + "' must be true or false");
      return fallback;
    }
    return *n->value<bool>();
  }

  std::vector<std::string> StrArray(const char* key, bool required) {
    seen_.insert(key);
    std::vector<std::string> out;
    const toml::node* n = t_.get(key);
    if (!n) {
      if (required) p_->Add(t_.source(), context_ + ": missing required key '" + key + "'");
      return out;
    }
    const toml::array* a = n->as_array();
    if (!a) {
      p_->Add(n->source(), context_ + ": '" + key + "' must be a list of strings");
      return out;
    }
    for (const toml::node& e : *a) {
      if (!e.is_string()) {
        p_->Add(e.source(), context_ + ": every entry of '" + key + "' must be a string");
        continue;
      }
      out.push_back(*e.value<std::string>());
    }
    return out;
  }

  const toml::node* Node(const char* key) {
    seen_.insert(key);
    return t_.get(key);
  }
  const toml::table& table() const { return t_; }
  const std::string& context() const { return context_; }

  void Finish() {
    for (auto&& [k, v] : t_) {
      if (!seen_.count(std::string(k.str()))) {
        p_->Add(k.source(), context_ + ": unknown key '" + std::string(k.str()) +
                                "' (check the spelling; see config/mpp-cilegon.toml)");
      }
    }
  }

 private:
  const toml::table& t_;
  std::string context_;
  Problems* p_;
  std::set<std::string> seen_;
};

// "08:00-16:00" -> Interval.
std::optional<v1::Interval> ParseRange(const std::string& text) {
  const auto dash = text.find('-');
  if (dash == std::string::npos) return std::nullopt;
  auto a = ParseHhMm(text.substr(0, dash));
  auto b = ParseHhMm(text.substr(dash + 1));
  if (!a || !b || *a >= *b) return std::nullopt;
  v1::Interval iv;
  iv.mutable_start()->set_minutes(*a);
  iv.mutable_end()->set_minutes(*b);
  return iv;
}

std::vector<const toml::table*> TableArray(const toml::table& root, const char* key, Problems* p) {
  std::vector<const toml::table*> out;
  const toml::node* n = root.get(key);
  if (!n) return out;
  const toml::array* a = n->as_array();
  if (!a) {
    p->Add(n->source(), std::string("'") + key + "' must be written as [[" + key + "]] tables");
    return out;
  }
  for (const toml::node& e : *a) {
    if (const toml::table* t = e.as_table()) {
      out.push_back(t);
    } else {
      p->Add(e.source(), std::string("each '") + key + "' entry must be a table");
    }
  }
  return out;
}

bool ValidPrefix(const std::string& s) {
  if (s.empty() || s.size() > 4) return false;
  for (char c : s) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

bool ValidCode(const std::string& s) {
  if (s.empty() || s.size() > 32) return false;
  for (char c : s) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_')) {
      return false;
    }
  }
  return true;
}

// Reads "[mpp.hours]" style tables: { mon = "08:00-16:00", ... }.
void ReadWeekHours(const toml::node* n, const std::string& context, Problems* p,
                   google::protobuf::RepeatedPtrField<v1::DayHours>* out) {
  if (!n) return;
  const toml::table* t = n->as_table();
  if (!t) {
    p->Add(n->source(), context + " must be a table such as { mon = \"08:00-16:00\" }");
    return;
  }
  for (auto&& [k, v] : *t) {
    auto wd = ParseWeekday(k.str());
    if (!wd) {
      p->Add(k.source(), context + ": '" + std::string(k.str()) +
                             "' is not a weekday; use mon, tue, wed, thu, fri, sat or sun");
      continue;
    }
    auto s = v.value<std::string>();
    auto iv = s ? ParseRange(*s) : std::nullopt;
    if (!iv) {
      p->Add(v.source(), context + "." + std::string(k.str()) +
                             ": write hours as \"HH:MM-HH:MM\" with the start before the end");
      continue;
    }
    v1::DayHours* dh = out->Add();
    dh->set_weekday(*wd);
    *dh->mutable_hours() = *iv;
  }
}

const v1::DayHours* FindDay(const google::protobuf::RepeatedPtrField<v1::DayHours>& list,
                            int weekday) {
  for (const auto& d : list) {
    if (d.weekday() == weekday) return &d;
  }
  return nullptr;
}

void ReadMpp(const toml::table& root, Problems* p, v1::Catalog* c) {
  const toml::node* n = root.get("mpp");
  if (!n || !n->as_table()) {
    p->AddFileLevel("missing the [mpp] table (name, timezone, hours)");
    return;
  }
  Fields f(*n->as_table(), "[mpp]", p);
  c->set_name(f.Str("name", true));
  c->set_timezone(f.Str("timezone", true));
  const toml::node* tz_node = f.table().get("timezone");
  const int64_t explicit_offset = f.Int("utc_offset_min", false, INT32_MIN, -720, 840);
  if (auto off = KnownZoneOffsetMin(c->timezone())) {
    c->set_utc_offset_min(*off);
    if (explicit_offset != INT32_MIN && explicit_offset != *off) {
      p->Add(f.table().get("utc_offset_min")->source(),
             "[mpp]: utc_offset_min disagrees with timezone " + c->timezone());
    }
  } else if (explicit_offset != INT32_MIN) {
    c->set_utc_offset_min(static_cast<int32_t>(explicit_offset));
  } else if (tz_node) {
    p->Add(tz_node->source(),
           "[mpp]: unknown timezone '" + c->timezone() +
               "'; use Asia/Jakarta (WIB), Asia/Makassar (WITA), Asia/Jayapura (WIT), or set "
               "utc_offset_min");
  }
  c->set_max_recalls(static_cast<int32_t>(f.Int("max_recalls", false, 3, 0, 10)));
  c->set_pin_min_digits(static_cast<int32_t>(f.Int("pin_min_digits", false, 4, 4, 8)));
  c->set_public_url(f.Str("public_url", false));
  if (const std::string& u = c->public_url(); !u.empty()) {
    const bool scheme = u.rfind("https://", 0) == 0 || u.rfind("http://", 0) == 0;
    if (!scheme || u.size() > 200 || u.back() == '/' ||
        u.find_first_of(" \t\"<>") != std::string::npos) {
      p->Add(f.table().get("public_url")->source(),
             "[mpp]: public_url is where visitors open their ticket's page, e.g. "
             "\"https://antrean.mppcilegon.go.id\" (http:// or https://, no trailing /, at most "
             "200 characters)");
      c->clear_public_url();
    }
  }
  c->set_ticker(f.Str("ticker", false));
  if (c->ticker().size() > kMaxTickerBytes) {
    p->Add(f.table().get("ticker")->source(),
           "[mpp]: ticker is " + std::to_string(c->ticker().size()) + " bytes; at most " +
               std::to_string(kMaxTickerBytes) + " (what the displays can scroll)");
    c->clear_ticker();
  }
  ReadWeekHours(f.Node("hours"), "[mpp.hours]", p, c->mutable_opening_hours());
  if (c->opening_hours().empty() && !f.table().get("hours")) {
    p->Add(f.table().source(), "[mpp]: missing [mpp.hours] (for example mon = \"08:00-16:00\")");
  }
  f.Node("breaks");
  for (const toml::table* t : TableArray(f.table(), "breaks", p)) {
    Fields b(*t, "[[mpp.breaks]]", p);
    const auto days = b.StrArray("days", true);
    const std::string range = b.Str("time", true);
    const std::string label = b.Str("label", false, "Istirahat");
    b.Finish();
    auto iv = ParseRange(range);
    if (!range.empty() && !iv) {
      p->Add(t->get("time")->source(), "[[mpp.breaks]]: write time as \"HH:MM-HH:MM\"");
      continue;
    }
    if (t->get("days") && days.empty()) {
      p->Add(t->get("days")->source(), "[[mpp.breaks]]: days is empty; list the weekdays");
    }
    for (const auto& d : days) {
      auto wd = ParseWeekday(d);
      if (!wd) {
        p->Add(t->get("days")->source(), "[[mpp.breaks]]: '" + d + "' is not a weekday");
        continue;
      }
      if (!iv) continue;
      for (const auto& other : c->breaks()) {
        if (other.weekday() == *wd && other.hours().start().minutes() < iv->end().minutes() &&
            iv->start().minutes() < other.hours().end().minutes()) {
          p->Add(t->source(), "[[mpp.breaks]]: " + range + " overlaps another break on " + d);
        }
      }
      v1::DayHours* dh = c->add_breaks();
      dh->set_weekday(*wd);
      *dh->mutable_hours() = *iv;
      dh->mutable_hours()->set_label(label);
    }
  }
  std::set<std::string> holiday_dates;
  f.Node("holidays");
  for (const toml::table* t : TableArray(f.table(), "holidays", p)) {
    Fields h(*t, "[[mpp.holidays]]", p);
    v1::Holiday* hol = c->add_holidays();
    hol->set_date(h.Str("date", true));
    hol->set_name(h.Str("name", true));
    h.Finish();
    if (!hol->date().empty() && !LocalMidnightMs(hol->date(), 0)) {
      p->Add(t->get("date")->source(),
             "[[mpp.holidays]]: '" + hol->date() + "' is not a date; write YYYY-MM-DD");
    } else if (!holiday_dates.insert(hol->date()).second) {
      p->Add(t->source(), "[[mpp.holidays]]: " + hol->date() + " is listed twice");
    }
  }
  f.Finish();
}

// [service.appointments]: slot_min, per_slot, days_ahead, walk_in_share, grace_min.
void ReadAppointments(const toml::node* n, const std::string& ctx, Problems* p,
                      v1::AppointmentRules* out) {
  if (!n) return;
  const toml::table* t = n->as_table();
  if (!t) {
    p->Add(n->source(), ctx + ": 'appointments' must be a table ([service.appointments])");
    return;
  }
  Fields f(*t, ctx + " appointments", p);
  out->set_slot_min(static_cast<int32_t>(f.Int("slot_min", true, 0, 5, 240)));
  out->set_per_slot(static_cast<int32_t>(f.Int("per_slot", true, 0, 1, 100)));
  out->set_days_ahead(static_cast<int32_t>(f.Int("days_ahead", false, 14, 1, 90)));
  out->set_walk_in_share_pct(static_cast<int32_t>(f.Int("walk_in_share", false, 50, 0, 100)));
  out->set_grace_min(static_cast<int32_t>(f.Int("grace_min", false, 5, 0, 60)));
  f.Finish();
}

void ReadStandard(const toml::node* n, const std::string& ctx, Problems* p,
                  v1::PublishedStandard* s, const toml::source_region& owner) {
  if (!n || !n->as_table()) {
    p->Add(n ? n->source() : owner,
           ctx +
               ": missing [service.standard] with requirements, procedure, time_standard, fee, "
               "product and complaint");
    return;
  }
  Fields f(*n->as_table(), ctx + ".standard", p);
  for (auto& r : f.StrArray("requirements", true)) s->add_requirements(r);
  for (auto& r : f.StrArray("procedure", true)) s->add_procedure(r);
  s->set_time_standard(f.Str("time_standard", true));
  s->set_fee(f.Str("fee", true));
  s->set_product(f.Str("product", true));
  s->set_complaint(f.Str("complaint", true));
  f.Finish();
}

}  // namespace

std::optional<int> ParseWeekday(std::string_view name) {
  for (int i = 0; i < 7; ++i) {
    if (name == kDayKeys[i]) return i + 1;
  }
  return std::nullopt;
}

const char* WeekdayName(int iso_weekday) {
  static const char* kNames[] = {"Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"};
  return (iso_weekday >= 1 && iso_weekday <= 7) ? kNames[iso_weekday - 1] : "?";
}

StatusOr<v1::Catalog> ParseCatalog(std::string_view text, const std::string& source_name) {
  toml::table root;
  try {
    root = toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    std::ostringstream os;
    os << source_name << ":" << e.source().begin.line << ":" << e.source().begin.column
       << ": TOML syntax error: " << e.description();
    return Status::Error(os.str());
  }

  Problems p(source_name);
  v1::Catalog c;
  ReadMpp(root, &p, &c);

  std::set<std::string> agency_codes;
  for (const toml::table* t : TableArray(root, "agency", &p)) {
    Fields f(*t, "[[agency]]", &p);
    v1::Agency* a = c.add_agencies();
    a->set_code(f.Str("code", true));
    a->set_name(f.Str("name", true));
    a->set_name_en(f.Str("name_en", false, a->name()));
    f.Finish();
    if (!a->code().empty() && !ValidCode(a->code())) {
      p.Add(t->source(), "[[agency]] '" + a->code() + "': code may use letters, digits, - and _");
    }
    if (!agency_codes.insert(a->code()).second) {
      p.Add(t->source(), "[[agency]]: code '" + a->code() + "' is used twice");
    }
  }

  std::set<std::string> zone_ids;
  for (const toml::table* t : TableArray(root, "zone", &p)) {
    Fields f(*t, "[[zone]]", &p);
    v1::Zone* z = c.add_zones();
    z->set_id(f.Str("id", true));
    z->set_name(f.Str("name", true));
    f.Finish();
    // Zone ids name event topics (broker/core/audience.h): "-" is taken.
    if (!z->id().empty() && (!ValidCode(z->id()) || z->id() == "-")) {
      p.Add(t->source(), "[[zone]] '" + z->id() +
                             "': id may use letters, digits, - and _ (and is not just \"-\")");
    }
    if (!zone_ids.insert(z->id()).second) {
      p.Add(t->source(), "[[zone]]: id '" + z->id() + "' is used twice");
    }
  }

  std::set<std::string> service_codes;
  std::map<std::string, toml::source_region> service_where;
  std::map<std::string, std::string> prefix_agency;
  for (const toml::table* t : TableArray(root, "service", &p)) {
    const std::string code_guess = t->get("code") ? t->get("code")->value_or<std::string>("") : "";
    const std::string ctx = "[[service]] '" + code_guess + "'";
    Fields f(*t, ctx, &p);
    v1::Service* s = c.add_services();
    s->set_code(f.Str("code", true));
    s->set_name(f.Str("name", true));
    s->set_name_en(f.Str("name_en", false, s->name()));
    s->set_agency(f.Str("agency", true));
    s->set_prefix(f.Str("prefix", true));
    s->set_digits(static_cast<int32_t>(f.Int("digits", false, 3, 1, 6)));
    s->set_wait_target_min(static_cast<int32_t>(f.Int("wait_target_min", true, 0, 1, 1440)));
    s->set_service_std_min(static_cast<int32_t>(f.Int("service_std_min", true, 0, 1, 1440)));
    s->set_daily_quota(static_cast<int32_t>(f.Int("daily_quota", true, 0, 0, 1000000)));
    s->set_priority_allowed(f.Bool("priority_allowed", true));
    const std::string past_closing = f.Str("past_closing", false, "warn");
    if (past_closing != "warn" && past_closing != "refuse") {
      p.Add(t->get("past_closing")->source(),
            ctx + ": past_closing is \"warn\" (issue with a warning) or \"refuse\"");
    }
    s->set_refuse_past_closing(past_closing == "refuse");
    s->set_retired(f.Bool("retired", false));
    s->set_almost_turn_ahead(static_cast<int32_t>(f.Int("almost_turn_ahead", false, 3, 0, 50)));
    ReadStandard(f.Node("standard"), ctx, &p, s->mutable_standard(), t->source());
    ReadAppointments(f.Node("appointments"), ctx, &p, s->mutable_appointments());
    if (!s->has_appointments()) s->clear_appointments();
    const auto days = f.StrArray("days", false);
    const toml::node* hours_node = t->get("hours");
    const std::string hours = f.Str("hours", false);
    f.Finish();

    if (!s->code().empty() && !ValidCode(s->code())) {
      p.Add(t->source(), ctx + ": code may use letters, digits, - and _ (at most 32)");
    }
    if (!service_codes.insert(s->code()).second) {
      p.Add(t->source(), ctx + ": code is used twice");
    }
    service_where.emplace(s->code(), t->source());
    if (!s->agency().empty() && !agency_codes.count(s->agency())) {
      p.Add(t->get("agency")->source(),
            ctx + ": agency '" + s->agency() + "' is not defined in an [[agency]] table");
    }
    if (!s->prefix().empty() && !ValidPrefix(s->prefix())) {
      p.Add(t->get("prefix")->source(),
            ctx + ": prefix '" + s->prefix() + "' must be 1-4 capital letters or digits");
    }
    // A prefix shares its numbering; sharing across agencies would confuse visitors.
    auto [it, fresh] = prefix_agency.emplace(s->prefix(), s->agency());
    if (!s->prefix().empty() && !fresh && it->second != s->agency()) {
      p.Add(t->get("prefix")->source(),
            ctx + ": prefix '" + s->prefix() + "' is already used by agency " + it->second);
    }
    std::optional<v1::Interval> window;
    if (!hours.empty()) {
      window = ParseRange(hours);
      if (!window) {
        p.Add(hours_node->source(), ctx + ": write hours as \"HH:MM-HH:MM\" with start before end");
      }
    }
    std::vector<int> weekdays;
    if (t->get("days") && days.empty()) {
      p.Add(t->get("days")->source(),
            ctx + ": days is empty; leave it out for the MPP's days, or list weekdays");
    }
    if (days.empty()) {
      for (const auto& d : c.opening_hours()) weekdays.push_back(d.weekday());
    } else {
      for (const auto& d : days) {
        auto wd = ParseWeekday(d);
        if (!wd) {
          p.Add(t->get("days")->source(), ctx + ": '" + d + "' is not a weekday (mon..sun)");
          continue;
        }
        weekdays.push_back(*wd);
      }
    }
    for (int wd : weekdays) {
      const v1::DayHours* mpp_day = FindDay(c.opening_hours(), wd);
      if (!mpp_day) {
        p.Add(t->source(), ctx + ": served on " + kDayKeys[wd - 1] +
                               " but the MPP is closed that day (see [mpp.hours])");
        continue;
      }
      // A service never issues while the MPP itself is closed: its own hours
      // are cut to the MPP's hours of the day (Saturday often closes early).
      v1::Interval hours_of_day = mpp_day->hours();
      if (window) {
        hours_of_day.mutable_start()->set_minutes(
            std::max(window->start().minutes(), mpp_day->hours().start().minutes()));
        hours_of_day.mutable_end()->set_minutes(
            std::min(window->end().minutes(), mpp_day->hours().end().minutes()));
      }
      if (hours_of_day.start().minutes() >= hours_of_day.end().minutes()) {
        p.Add(hours_node->source(), ctx + ": hours " + hours + " lie outside the MPP's hours on " +
                                        kDayKeys[wd - 1] + " (see [mpp.hours])");
        continue;
      }
      v1::DayHours* dh = s->add_schedule();
      dh->set_weekday(wd);
      *dh->mutable_hours() = hours_of_day;
    }
  }

  std::set<int> counter_ids;
  std::set<std::string> served;
  for (const toml::table* t : TableArray(root, "counter", &p)) {
    Fields f(*t, "[[counter]]", &p);
    v1::CounterDef* k = c.add_counters();
    k->set_id(static_cast<int32_t>(f.Int("id", true, 0, 1, 9999)));
    const std::string ctx = "[[counter]] " + std::to_string(k->id());
    k->set_name(f.Str("name", true));
    k->set_spoken(f.Str("spoken", false, k->name()));
    k->set_zone(f.Str("zone", true));
    k->set_agency(f.Str("agency", true));
    for (auto& s : f.StrArray("services", true)) k->add_services(s);
    f.Finish();
    if (k->id() > 0 && !counter_ids.insert(k->id()).second) {
      p.Add(t->source(), ctx + ": id is used twice");
    }
    if (!k->zone().empty() && !zone_ids.count(k->zone())) {
      p.Add(t->get("zone")->source(), ctx + ": zone '" + k->zone() + "' is not defined");
    }
    if (!k->agency().empty() && !agency_codes.count(k->agency())) {
      p.Add(t->get("agency")->source(), ctx + ": agency '" + k->agency() + "' is not defined");
    }
    for (const auto& s : k->services()) {
      if (!service_codes.count(s)) {
        p.Add(t->get("services")->source(), ctx + ": service '" + s + "' is not defined");
      }
      served.insert(s);
    }
  }
  for (const auto& s : c.services()) {
    if (!s.code().empty() && !served.count(s.code())) {
      p.Add(service_where[s.code()], "[[service]] '" + s.code() +
                                         "' is served by no [[counter]]; its tickets could never "
                                         "be called");
    }
  }
  if (c.services().empty()) p.AddFileLevel("no [[service]] is defined");
  if (c.counters().empty()) p.AddFileLevel("no [[counter]] is defined");
  if (!p.empty()) return Status::Error(p.Joined());
  return c;
}

StatusOr<v1::Catalog> LoadCatalogFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::Error(path + ": cannot open the catalog file; check the path given to --config");
  }
  in.seekg(0, std::ios::end);
  const auto size = static_cast<int64_t>(in.tellg());
  if (size > kMaxCatalogBytes) {
    return Status::Error(path + ": the catalog file is " + std::to_string(size) +
                         " bytes; a catalog is at most " + std::to_string(kMaxCatalogBytes) +
                         " bytes (is this the right file?)");
  }
  in.seekg(0);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ParseCatalog(ss.str(), path);
}

// ------------------------------------------------------------ CatalogIndex --

CatalogIndex::CatalogIndex(v1::Catalog catalog) : catalog_(std::move(catalog)) {
  for (int i = 0; i < catalog_.services_size(); ++i)
    service_index_[catalog_.services(i).code()] = i;
  for (int i = 0; i < catalog_.counters_size(); ++i) counter_index_[catalog_.counters(i).id()] = i;
  for (int i = 0; i < catalog_.agencies_size(); ++i) agency_index_[catalog_.agencies(i).code()] = i;
  for (const auto& h : catalog_.holidays()) {
    if (auto midnight = LocalMidnightMs(h.date(), 0)) {  // validated by ParseCatalog
      holidays_by_ymd_[YearMonthDay(ToLocal(*midnight, 0))] = &h;
    }
  }
}

const v1::Service* CatalogIndex::FindService(const std::string& code) const {
  auto it = service_index_.find(code);
  return it == service_index_.end() ? nullptr : &catalog_.services(it->second);
}

int CatalogIndex::ServiceIndex(const std::string& code) const {
  auto it = service_index_.find(code);
  return it == service_index_.end() ? -1 : it->second;
}

const v1::CounterDef* CatalogIndex::FindCounter(int id) const {
  auto it = counter_index_.find(id);
  return it == counter_index_.end() ? nullptr : &catalog_.counters(it->second);
}

const v1::Agency* CatalogIndex::FindAgency(const std::string& code) const {
  auto it = agency_index_.find(code);
  return it == agency_index_.end() ? nullptr : &catalog_.agencies(it->second);
}

bool CatalogIndex::CounterServes(int counter_id, const std::string& service) const {
  const v1::CounterDef* c = FindCounter(counter_id);
  if (!c) return false;
  for (const auto& s : c->services()) {
    if (s == service) return true;
  }
  return false;
}

bool CatalogIndex::ZoneExists(const std::string& zone) const {
  for (const auto& z : catalog_.zones()) {
    if (z.id() == zone) return true;
  }
  return false;
}

bool CatalogIndex::ServiceInZone(const std::string& service, const std::string& zone) const {
  if (zone.empty()) return true;
  for (const auto& c : catalog_.counters()) {
    if (c.zone() != zone) continue;
    for (const auto& s : c.services()) {
      if (s == service) return true;
    }
  }
  return false;
}

std::string CatalogIndex::BusinessDay(Millis now) const {
  return ToLocal(now, utc_offset_min()).Date();
}

const v1::Holiday* CatalogIndex::HolidayOn(const LocalTime& local) const {
  auto it = holidays_by_ymd_.find(YearMonthDay(local));
  return it == holidays_by_ymd_.end() ? nullptr : it->second;
}

const v1::Holiday* CatalogIndex::HolidayOn(const std::string& date) const {
  const auto midnight = LocalMidnightMs(date, 0);
  return midnight ? HolidayOn(ToLocal(*midnight, 0)) : nullptr;
}

std::optional<v1::Interval> CatalogIndex::WindowOn(const v1::Service& service, int weekday) const {
  const v1::DayHours* d = FindDay(service.schedule(), weekday);
  if (!d) return std::nullopt;
  return d->hours();
}

std::vector<int> CatalogIndex::AppointmentSlots(const v1::Service& service,
                                                const std::string& day) const {
  std::vector<int> out;
  const int len = service.appointments().slot_min();
  if (len <= 0 || service.retired()) return out;
  const auto midnight = LocalMidnightMs(day, utc_offset_min());
  if (!midnight) return out;
  const LocalTime lt = ToLocal(*midnight, utc_offset_min());
  if (lt.Date() != day || HolidayOn(lt)) return out;
  const auto w = WindowOn(service, lt.weekday);
  if (!w) return out;
  for (int start = w->start().minutes(); start + len <= w->end().minutes(); start += len) {
    bool in_break = false;
    for (const auto& b : catalog_.breaks()) {
      in_break |= b.weekday() == lt.weekday && start < b.hours().end().minutes() &&
                  b.hours().start().minutes() < start + len;
    }
    if (!in_break) out.push_back(start);
  }
  return out;
}

int CatalogIndex::BookableOn(const v1::Service& service) const {
  const v1::AppointmentRules& a = service.appointments();
  if (service.daily_quota() <= 0) return std::numeric_limits<int>::max();
  return static_cast<int>(static_cast<int64_t>(service.daily_quota()) *
                          (100 - a.walk_in_share_pct()) / 100);
}

Millis CatalogIndex::NextOpening(const v1::Service& service, Millis midnight) const {
  for (int i = 0; i < 60; ++i) {
    const Millis day_start = midnight + static_cast<Millis>(i) * 86400000;
    const LocalTime lt = ToLocal(day_start, utc_offset_min());
    if (HolidayOn(lt)) continue;
    if (auto w = WindowOn(service, lt.weekday)) {
      return day_start + static_cast<Millis>(w->start().minutes()) * 60000;
    }
  }
  return 0;
}

std::optional<std::string> CatalogIndex::NextWorkingDay(const std::string& from_day,
                                                        bool full_day) const {
  const auto midnight = LocalMidnightMs(from_day, utc_offset_min());
  if (!midnight) return std::nullopt;
  auto length = [](const v1::Interval& i) { return i.end().minutes() - i.start().minutes(); };
  int longest = 0;
  for (const auto& d : catalog_.opening_hours()) longest = std::max(longest, length(d.hours()));
  for (int i = 0; i <= 366; ++i) {
    const LocalTime lt = ToLocal(*midnight + static_cast<Millis>(i) * 86400000, utc_offset_min());
    if (HolidayOn(lt)) continue;
    const v1::DayHours* d = FindDay(catalog_.opening_hours(), lt.weekday);
    if (d && (!full_day || length(d->hours()) == longest)) return lt.Date();
  }
  return std::nullopt;
}

Availability CatalogIndex::ServiceAvailability(const v1::Service& service, Millis now) const {
  const LocalTime lt = ToLocal(now, utc_offset_min());
  const Millis today_midnight = now - (static_cast<Millis>(lt.minute_of_day) * 60000 +
                                       static_cast<Millis>(lt.second) * 1000 + lt.millis);
  const Millis tomorrow = today_midnight + 86400000;
  Availability a;
  if (service.retired()) {  // kept for history only; no opening to announce
    a.code = v1::SERVICE_CLOSED;
    a.reason = "retired";
    return a;
  }
  if (const v1::Holiday* h = HolidayOn(lt)) {
    a.code = v1::MPP_HOLIDAY;
    a.reason = h->name();
    a.next_open_ms = NextOpening(service, tomorrow);
    return a;
  }
  auto w = WindowOn(service, lt.weekday);
  if (!w) {
    a.code = v1::NOT_SERVED_TODAY;
    a.reason = std::string("not served on ") + WeekdayName(lt.weekday);
    a.next_open_ms = NextOpening(service, tomorrow);
    return a;
  }
  if (lt.minute_of_day < w->start().minutes()) {
    a.code = v1::SERVICE_CLOSED;
    a.reason = "not open yet";
    a.next_open_ms = today_midnight + static_cast<Millis>(w->start().minutes()) * 60000;
    return a;
  }
  if (lt.minute_of_day >= w->end().minutes()) {
    a.code = v1::SERVICE_CLOSED;
    a.reason = "closed for today";
    a.next_open_ms = NextOpening(service, tomorrow);
    return a;
  }
  return a;
}

namespace {

std::string Join(const google::protobuf::RepeatedPtrField<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

std::string JoinIds(const google::protobuf::RepeatedField<int32_t>& items) {
  std::string out;
  for (int i : items) out += (out.empty() ? "" : ", ") + std::to_string(i);
  return out;
}

}  // namespace

std::string DescribeCatalogChange(const v1::CatalogChange& ch) {
  std::string out;
  auto line = [&](const std::string& what, const std::string& items) {
    if (!items.empty()) out += what + ": " + items + "\n";
  };
  line("services added", Join(ch.services_added()));
  line("services removed", Join(ch.services_removed()));
  line("services retired", Join(ch.services_retired()));
  line("standards changed", Join(ch.standards_changed()));
  line("counters added", JoinIds(ch.counters_added()));
  line("counters removed", JoinIds(ch.counters_removed()));
  line("counters changed", JoinIds(ch.counters_changed()));
  if (ch.tickets_affected() > 0) {
    out += "open tickets of changed or retired services: " + std::to_string(ch.tickets_affected()) +
           " (they keep the standard they were issued with)\n";
  }
  if (out.empty()) out = "no change to services or counters\n";
  for (const auto& p : ch.problems()) out += "cannot apply: " + p + "\n";
  return out;
}

}  // namespace mpp
