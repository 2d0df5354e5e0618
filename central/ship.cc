#include "central/ship.h"

#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <vector>

#include "broker/report/build.h"
#include "central/report.h"
#include "common/time_util.h"
#include "mpp/v1/mpp.pb.h"

namespace mpp::central {
namespace {

class Query {
 public:
  Query(sqlite3* db, const char* sql) { ok_ = sqlite3_prepare_v2(db, sql, -1, &q_, nullptr) == 0; }
  ~Query() { sqlite3_finalize(q_); }
  bool ok() const { return ok_; }
  bool Step() { return sqlite3_step(q_) == SQLITE_ROW; }
  void Bind(int i, const std::string& s) {
    sqlite3_bind_text(q_, i, s.c_str(), -1, SQLITE_TRANSIENT);
  }
  std::string Text(int i) {
    const unsigned char* t = sqlite3_column_text(q_, i);
    return t ? reinterpret_cast<const char*>(t) : "";
  }
  int64_t Int(int i) { return sqlite3_column_int64(q_, i); }
  bool Null(int i) { return sqlite3_column_type(q_, i) == SQLITE_NULL; }
  // A report cell's times (report::UnpackMs) as a PostgreSQL array "{1,2,3}".
  std::string MsArray(int i, int* n) {
    std::vector<int64_t> ms;
    report::UnpackMs(sqlite3_column_blob(q_, i), sqlite3_column_bytes(q_, i), &ms);
    *n = static_cast<int>(ms.size());
    std::string out = "{";
    for (size_t k = 0; k < ms.size(); ++k) {
      if (k) out += ',';
      // int4 in PostgreSQL: a wait of more than 24 days does not occur.
      out += std::to_string(std::min<int64_t>(ms[k], 2147483647));
    }
    return out + "}";
  }

 private:
  sqlite3_stmt* q_ = nullptr;
  bool ok_ = false;
};

// The broker's file, read-only beside the running broker (report::OpenReadOnly,
// which refuses an older schema), waiting up to 5 s for a checkpoint's lock.
StatusOr<report::ReadOnlyDb> OpenHall(const std::string& path) {
  auto db = report::OpenReadOnly(path);
  if (db.ok()) sqlite3_busy_timeout(db->get(), 5000);
  return db;
}

std::string Hex(const unsigned char* p, size_t n) {
  static const char* k = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += k[p[i] >> 4];
    out += k[p[i] & 15];
  }
  return out;
}

struct Day {
  std::string day;
  int tickets = 0;
  std::vector<std::vector<std::string>> cells, ratings, facts;
  std::string digest;
};

// A field that is SQL NULL in InsertRows.
const std::string kNull("\x01null");

// The day's rows as they will be inserted, and their digest. `offset`: the
// hall's UTC offset (a rating's weekday and hour are local).
Day ReadDay(sqlite3* db, const std::string& day, int tickets, int offset, const ShipOptions& o) {
  Day d;
  d.day = day;
  d.tickets = tickets;
  auto op = [&](const std::string& id) {
    return o.operator_names || id.empty() ? id : OperatorPseudonym(id, o.operator_key);
  };
  Query c(db,
          "SELECT service, counter_id, operator_id, weekday, hour, issued, served, no_show,"
          " cancelled, expired, transferred, print_failed, priority, out_of_order, appointments,"
          " wait_within, service_within, waits, services FROM report_cells WHERE business_day = ?1"
          " ORDER BY service, counter_id, operator_id, weekday, hour");
  c.Bind(1, day);
  while (c.Step()) {
    std::vector<std::string> row = {c.Text(0), std::to_string(c.Int(1)), op(c.Text(2)),
                                    std::to_string(c.Int(3)), std::to_string(c.Int(4))};
    for (int i = 5; i <= 14; ++i) row.push_back(std::to_string(c.Int(i)));
    int waits = 0, services = 0;
    const std::string w = c.MsArray(17, &waits), s = c.MsArray(18, &services);
    row.push_back(std::to_string(waits));
    row.push_back(std::to_string(c.Int(15)));
    row.push_back(std::to_string(services));
    row.push_back(std::to_string(c.Int(16)));
    row.push_back(w);
    row.push_back(s);
    d.cells.push_back(std::move(row));
  }
  Query r(db,
          "SELECT ticket_id, ts_ms, counter_id, operator_id, service, score,"
          " u1, u2, u3, u4, u5, u6, u7, u8, u9 FROM ratings WHERE business_day = ?1 ORDER BY"
          " ticket_id");
  r.Bind(1, day);
  while (r.Step()) {
    std::string u = "{";
    for (int i = 0; i < 9; ++i) {
      if (i) u += ',';
      u += r.Null(6 + i) ? "0" : std::to_string(r.Int(6 + i));
    }
    u += "}";
    const LocalTime t = ToLocal(r.Int(1), offset);
    d.ratings.push_back({std::to_string(r.Int(0)), r.Text(4), std::to_string(r.Int(2)),
                         op(r.Text(3)), std::to_string(t.weekday),
                         std::to_string(t.minute_of_day / 60), std::to_string(r.Int(5)), u});
  }
  // Anonymous ticket facts: no number a visitor holds, no token, no name.
  Query t(db,
          "SELECT id, service, issued_service, state, priority, source, appointment, issued_ms,"
          " first_called_ms, serving_ms, finished_ms, wait_ms, service_ms, wait_met, service_met,"
          " transfers, recalls, counter_id, operator_id, out_of_order FROM tickets"
          " WHERE business_day = ?1 ORDER BY id");
  t.Bind(1, day);
  while (t.Step()) {
    auto num = [&](int i) { return t.Null(i) ? kNull : std::to_string(t.Int(i)); };
    auto flag = [&](int i) { return t.Null(i) ? kNull : (t.Int(i) ? "true" : "false"); };
    d.facts.push_back({num(0),    t.Text(1), t.Text(2),      t.Text(3),
                       t.Text(4), t.Text(5), num(6),         num(7),
                       num(8),    num(9),    num(10),        num(11),
                       num(12),   flag(13),  flag(14),       num(15),
                       num(16),   num(17),   op(t.Text(18)), t.Null(19) ? kNull : t.Text(19)});
  }
  crypto_generichash_state h;
  crypto_generichash_init(&h, nullptr, 0, 32);
  auto feed = [&](const std::vector<std::vector<std::string>>& rows, char tag) {
    for (const auto& row : rows) {
      crypto_generichash_update(&h, reinterpret_cast<const unsigned char*>(&tag), 1);
      for (const auto& f : row) {
        const uint64_t n = f.size();
        crypto_generichash_update(&h, reinterpret_cast<const unsigned char*>(&n), sizeof n);
        crypto_generichash_update(&h, reinterpret_cast<const unsigned char*>(f.data()), f.size());
      }
    }
  };
  feed(d.cells, 'c');
  feed(d.ratings, 'r');
  feed(d.facts, 't');
  unsigned char out[32];
  crypto_generichash_final(&h, out, sizeof out);
  d.digest = Hex(out, sizeof out);
  return d;
}

// Every catalog the broker put in force (it keeps each distinct one, with
// when it was last put in force), oldest first.
std::vector<std::pair<int64_t, v1::Catalog>> CatalogsInForce(sqlite3* db) {
  sqlite3_stmt* q = nullptr;
  std::vector<std::pair<int64_t, v1::Catalog>> out;
  if (sqlite3_prepare_v2(db, "SELECT first_ms, data FROM catalogs ORDER BY first_ms", -1, &q,
                         nullptr) == SQLITE_OK) {
    while (sqlite3_step(q) == SQLITE_ROW) {
      v1::Catalog c;
      if (c.ParseFromArray(sqlite3_column_blob(q, 1), sqlite3_column_bytes(q, 1))) {
        out.emplace_back(sqlite3_column_int64(q, 0), std::move(c));
      }
    }
  }
  sqlite3_finalize(q);
  return out;
}

// The services as the hall publishes them now (replacing what it sent
// before), and each catalog put in force that the central database does not
// have yet with its services' standards: the history, added to, never
// rewritten, so shipping it again or from a restored hall changes nothing.
void ShipStandards(pqxx::connection& central, const std::string& mpp_id,
                   const std::vector<std::pair<int64_t, v1::Catalog>>& catalogs) {
  pqxx::work w(central);
  std::set<int64_t> have;
  for (const auto& r :
       w.exec_params("SELECT in_force_ms FROM catalog_in_force WHERE mpp_id = $1", mpp_id)) {
    have.insert(r[0].as<int64_t>());
  }
  // A catalog's services into `standard` (history: nullopt) or, with the
  // moment it came into force, `standard_history`.
  auto services = [&](const v1::Catalog& c, std::optional<int64_t> in_force_ms) {
    std::map<std::string, std::string> agency_name;
    for (const auto& a : c.agencies()) agency_name[a.code()] = a.name();
    const std::string columns =
        " (mpp_id, service, name, agency, agency_name, wait_target_min, service_std_min,"
        " time_standard";
    for (const auto& s : c.services()) {
      if (in_force_ms) {
        w.exec_params("INSERT INTO standard_history" + columns +
                          ", in_force_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                      mpp_id, s.code(), s.name(), s.agency(), agency_name[s.agency()],
                      s.wait_target_min(), s.service_std_min(), s.standard().time_standard(),
                      *in_force_ms);
      } else {
        w.exec_params(
            "INSERT INTO standard" + columns + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", mpp_id,
            s.code(), s.name(), s.agency(), agency_name[s.agency()], s.wait_target_min(),
            s.service_std_min(), s.standard().time_standard());
      }
    }
  };
  w.exec_params("DELETE FROM standard WHERE mpp_id = $1", mpp_id);
  services(catalogs.back().second, std::nullopt);
  for (const auto& [ms, c] : catalogs) {
    if (have.count(ms)) continue;
    w.exec_params(
        "INSERT INTO catalog_in_force (mpp_id, in_force_ms, from_day, version) VALUES ($1, $2, "
        "$3::date, $4)",
        mpp_id, ms, ToLocal(ms, c.utc_offset_min()).Date(), c.version());
    services(c, ms);
  }
  w.commit();
}

// Rows as multi-row INSERTs, 500 a statement (one round trip each, not one a
// row); every value a quoted literal, typed by its column.
void InsertRows(pqxx::work& w, const std::string& table, const std::vector<std::string>& columns,
                const std::vector<std::vector<std::string>>& rows) {
  std::string head = "INSERT INTO " + table + " (";
  for (size_t i = 0; i < columns.size(); ++i) head += (i ? ", " : "") + columns[i];
  head += ") VALUES ";
  for (size_t first = 0; first < rows.size(); first += 500) {
    std::string sql = head;
    for (size_t r = first; r < rows.size() && r < first + 500; ++r) {
      sql += r == first ? "(" : ", (";
      for (size_t f = 0; f < rows[r].size(); ++f) {
        sql += f ? ", " : "";
        sql += rows[r][f] == kNull ? "NULL" : w.quote(rows[r][f]);
      }
      sql += ")";
    }
    w.exec(sql);
  }
}

// The month of `day`'s rollups for this hall, made again from its cells and
// ratings in the central database (in the day's transaction: exactly once).
void RebuildMonth(pqxx::work& w, const std::string& mpp, const std::string& day) {
  static const std::string kMonth = "date_trunc('month', $2::date)::date";
  static const std::string kInMonth =
      " mpp_id = $1 AND day >= " + kMonth + " AND day < (" + kMonth + " + interval '1 month')";
  w.exec_params("DELETE FROM month_service WHERE mpp_id = $1 AND month = " + kMonth, mpp, day);
  w.exec_params("DELETE FROM month_rating WHERE mpp_id = $1 AND month = " + kMonth, mpp, day);
  w.exec_params(
      "WITH cells AS (SELECT * FROM cell WHERE" + kInMonth +
          "),"
          " counts AS (SELECT service, sum(issued) i, sum(served) s, sum(no_show) ns,"
          " sum(cancelled) ca, sum(expired) ex, sum(transferred) tr, sum(print_failed) pf,"
          " sum(priority) pr, sum(out_of_order) oo, sum(appointments) ap, sum(wait_judged) wj,"
          " sum(wait_within) ww, sum(service_judged) sj, sum(service_within) sw FROM cells GROUP BY"
          " service),"
          " w AS (SELECT service, sum(v) su, max(v) mx, central_histogram(array_agg(v)) h"
          " FROM cells, unnest(waits) v GROUP BY service),"
          " sv AS (SELECT service, sum(v) su, max(v) mx, central_histogram(array_agg(v)) h"
          " FROM cells, unnest(services) v GROUP BY service)"
          " INSERT INTO month_service SELECT $1, " +
          kMonth +
          ", c.service, c.i, c.s, c.ns, c.ca, c.ex, c.tr, c.pf, c.pr, c.oo, c.ap, c.wj, c.ww, c.sj,"
          " c.sw, coalesce(w.su, 0), coalesce(w.mx, 0), coalesce(w.h, central_histogram('{}')),"
          " coalesce(sv.su, 0), coalesce(sv.mx, 0), coalesce(sv.h, central_histogram('{}'))"
          " FROM counts c LEFT JOIN w USING (service) LEFT JOIN sv USING (service)",
      mpp, day);
  std::string scores = "ARRAY[", answered = "ARRAY[", sums = "ARRAY[";
  for (int s = 1; s <= 4; ++s) {
    scores += std::string(s > 1 ? ", " : "") +
              "count(*) FILTER (WHERE score = " + std::to_string(s) + ")::int";
  }
  for (int i = 1; i <= 9; ++i) {
    const std::string u = "u[" + std::to_string(i) + "]";
    answered += std::string(i > 1 ? ", " : "") + "count(*) FILTER (WHERE " + u + " > 0)::int";
    sums += std::string(i > 1 ? ", " : "") + "coalesce(sum(" + u + ") FILTER (WHERE " + u +
            " > 0), 0)::bigint";
  }
  w.exec_params("INSERT INTO month_rating SELECT $1, " + kMonth + ", service, " + scores +
                    "], count(*) FILTER (WHERE 0 < ANY (u))::int, " + answered + "], " + sums +
                    "] FROM rating WHERE" + kInMonth + " GROUP BY service",
                mpp, day);
}

}  // namespace

std::string OperatorPseudonym(const std::string& id, const std::string& key) {
  unsigned char out[8];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(id.data()), id.size(),
                     reinterpret_cast<const unsigned char*>(key.data()), key.size());
  return "op-" + Hex(out, sizeof out);
}

StatusOr<std::string> LoadOrMakeOperatorKey(const std::string& path) {
  if (sodium_init() < 0) return Status::Error("libsodium cannot start");
  std::ifstream in(path, std::ios::binary);
  if (in) {
    std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (key.size() != crypto_generichash_KEYBYTES) {
      return Status::Error(path +
                           " is not an operator key (32 bytes); remove it to make a new one "
                           "(the pseudonyms then change)");
    }
    return key;
  }
  std::string key(crypto_generichash_KEYBYTES, '\0');
  randombytes_buf(key.data(), key.size());
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0 || ::write(fd, key.data(), key.size()) != static_cast<ssize_t>(key.size())) {
    if (fd >= 0) ::close(fd);
    return Status::Error("cannot write the operator key " + path +
                         ": check the directory exists and is writable by mpp-ship's user");
  }
  ::close(fd);
  return key;
}

StatusOr<ShipResult> ShipOnce(pqxx::connection& central, const ShipOptions& o) {
  if (sodium_init() < 0) return Status::Error("libsodium cannot start");
  auto opened = OpenHall(o.db_path);
  if (!opened.ok()) return opened.status();
  sqlite3* db = opened->get();
  ShipResult result;
  try {
    // What the central database has of this hall (row-level security shows
    // only its own rows).
    std::map<std::string, std::string> shipped;
    bool partitioned = false;
    {
      pqxx::read_transaction r(central);
      const pqxx::result mine = r.exec_params(
          "SELECT central_mpp_of_user(), (SELECT count(*) FROM shipped_day WHERE mpp_id = $1),"
          " to_regclass('catalog_in_force') IS NOT NULL,"
          " to_regprocedure('central_ensure_month(date)') IS NOT NULL",
          o.mpp_id);
      const std::string me = mine[0][0].is_null() ? "" : mine[0][0].as<std::string>();
      if (!mine[0][2].as<bool>()) {
        return Status::Error(
            "the central database's schema is older than this shipper (it needs 4, the "
            "standards' history): run mpp-central init there first");
      }
      partitioned = mine[0][3].as<bool>();  // schema 5; 4 is still served
      if (me != o.mpp_id) {
        return Status::Error("this login role ships for MPP '" + me + "', not '" + o.mpp_id +
                             "': check --mpp and the central role (mpp-central add-mpp)");
      }
      for (const auto& row :
           r.exec_params("SELECT day::text, digest FROM shipped_day WHERE mpp_id = $1", o.mpp_id)) {
        shipped[row[0].as<std::string>()] = row[1].as<std::string>();
      }
    }
    // The standards in force, and since when.
    const auto catalogs = CatalogsInForce(db);
    if (catalogs.empty()) {
      return Status::Error(o.db_path + " holds no catalog yet: start the broker on it once");
    }
    const v1::Catalog* catalog = &catalogs.back().second;
    ShipStandards(central, o.mpp_id, catalogs);
    std::vector<std::pair<std::string, int>> days;
    {
      Query q(db, "SELECT business_day, tickets FROM report_days ORDER BY business_day");
      if (!q.ok()) return Status::Error(o.db_path + " has no report summaries table");
      while (q.Step()) days.emplace_back(q.Text(0), static_cast<int>(q.Int(1)));
    }
    // The days that are new or changed, by month: one transaction a month
    // (its days, then its rollups made again), so a month's rollups never
    // disagree with its days, whatever stops in between.
    std::map<std::string, std::vector<Day>> months;  // "YYYY-MM" -> changed days
    for (const auto& [day, tickets] : days) {
      sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);  // one snapshot of the day
      Day d = ReadDay(db, day, tickets, catalog->utc_offset_min(), o);
      sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
      const auto it = shipped.find(day);
      if (it != shipped.end() && it->second == d.digest) {
        ++result.days_unchanged;
        continue;
      }
      months[day.substr(0, 7)].push_back(std::move(d));
    }
    static const std::vector<std::string> kCellColumns = {
        "mpp_id",         "day",          "service",     "counter_id",   "operator",
        "weekday",        "hour",         "issued",      "served",       "no_show",
        "cancelled",      "expired",      "transferred", "print_failed", "priority",
        "out_of_order",   "appointments", "wait_judged", "wait_within",  "service_judged",
        "service_within", "waits",        "services"};
    static const std::vector<std::string> kFactColumns = {
        "mpp_id",      "day",        "ticket_id",   "service",     "issued_service",  "state",
        "priority",    "source",     "appointment", "issued_ms",   "first_called_ms", "serving_ms",
        "finished_ms", "wait_ms",    "service_ms",  "wait_met",    "service_met",     "transfers",
        "recalls",     "counter_id", "operator",    "out_of_order"};
    static const std::vector<std::string> kRatingColumns = {
        "mpp_id",   "day",     "ticket_id", "service", "counter_id",
        "operator", "weekday", "hour",      "score",   "u"};
    for (const auto& [month, changed] : months) {
      if (partitioned) {
        // The month's partitions, made (by the database's owner) in a
        // transaction of their own: the month's own does not hold the lock.
        pqxx::work p(central);
        p.exec_params("SELECT central_ensure_month($1::date)", month + "-01");
        p.commit();
      }
      pqxx::work w(central);
      for (const Day& d : changed) {
        w.exec_params(
            "INSERT INTO shipped_day (mpp_id, day, tickets, cells, ratings, digest, shipped_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, now()) ON CONFLICT (mpp_id, day) DO UPDATE SET"
            " tickets = excluded.tickets, cells = excluded.cells, ratings = excluded.ratings,"
            " digest = excluded.digest, shipped_at = now()",
            o.mpp_id, d.day, d.tickets, static_cast<int>(d.cells.size()),
            static_cast<int>(d.ratings.size()), d.digest);
        w.exec_params("DELETE FROM cell WHERE mpp_id = $1 AND day = $2", o.mpp_id, d.day);
        w.exec_params("DELETE FROM rating WHERE mpp_id = $1 AND day = $2", o.mpp_id, d.day);
        w.exec_params("DELETE FROM ticket_fact WHERE mpp_id = $1 AND day = $2", o.mpp_id, d.day);
      }
      std::vector<std::vector<std::string>> cells, ratings, facts;
      for (const Day& d : changed) {
        for (const auto& f : d.facts) {
          facts.push_back({o.mpp_id, d.day});
          facts.back().insert(facts.back().end(), f.begin(), f.end());
        }
        for (const auto& c : d.cells) {
          cells.push_back({o.mpp_id, d.day});
          cells.back().insert(cells.back().end(), c.begin(), c.end());
        }
        for (const auto& r : d.ratings) {
          ratings.push_back({o.mpp_id, d.day});
          ratings.back().insert(ratings.back().end(), r.begin(), r.end());
        }
      }
      InsertRows(w, "cell", kCellColumns, cells);
      InsertRows(w, "rating", kRatingColumns, ratings);
      InsertRows(w, "ticket_fact", kFactColumns, facts);
      RebuildMonth(w, o.mpp_id, changed.front().day);
      w.commit();
      for (const Day& d : changed) {
        ++result.days_shipped;
        result.cells += static_cast<int>(d.cells.size());
        result.ratings += static_cast<int>(d.ratings.size());
        result.facts += static_cast<int>(d.facts.size());
      }
    }
  } catch (const std::exception& e) {
    return CentralError(e, "shipping to the central database");
  }
  return result;
}

}  // namespace mpp::central
