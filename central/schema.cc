#include "central/schema.h"

#include <algorithm>
#include <string>
#include <vector>

#include "central/report.h"
#include "common/time_util.h"

namespace mpp::central {
namespace {

// Each entry moves the schema from version i to i+1; never edit a released
// one. Rows are keyed by (mpp_id, day, ...): a day is shipped whole in one
// transaction that replaces what the hall sent for it before, so a resent
// or re-summarized day never counts twice.
const char* const kMigrations[] = {
    R"sql(
CREATE TABLE mpp (
  mpp_id   text PRIMARY KEY CHECK (mpp_id ~ '^[a-z0-9][a-z0-9-]{0,39}$'),
  name     text NOT NULL,
  city     text NOT NULL,
  province text NOT NULL,
  role     name NOT NULL UNIQUE
);
-- What each hall has shipped: one row per closed day, with the digest of
-- what was sent (a day whose local summary changed is sent again).
CREATE TABLE shipped_day (
  mpp_id     text NOT NULL REFERENCES mpp,
  day        date NOT NULL,
  tickets    int  NOT NULL,
  cells      int  NOT NULL,
  ratings    int  NOT NULL,
  digest     text NOT NULL,
  shipped_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (mpp_id, day)
);
-- A hall's per-day summary cells (broker/report: service x counter x
-- operator x weekday x hour) with every wait and service time (ms).
CREATE TABLE cell (
  mpp_id         text     NOT NULL,
  day            date     NOT NULL,
  service        text     NOT NULL,
  counter_id     int      NOT NULL,
  operator       text     NOT NULL,
  weekday        smallint NOT NULL,
  hour           smallint NOT NULL,
  issued         int NOT NULL, served int NOT NULL, no_show int NOT NULL, cancelled int NOT NULL,
  expired        int NOT NULL, transferred int NOT NULL, print_failed int NOT NULL,
  priority       int NOT NULL, out_of_order int NOT NULL, appointments int NOT NULL,
  wait_judged    int NOT NULL, wait_within int NOT NULL,
  service_judged int NOT NULL, service_within int NOT NULL,
  waits          int[] NOT NULL,
  services       int[] NOT NULL,
  PRIMARY KEY (mpp_id, day, service, counter_id, operator, weekday, hour),
  FOREIGN KEY (mpp_id, day) REFERENCES shipped_day ON DELETE CASCADE
);
CREATE INDEX cell_by_day ON cell (day);
-- One-tap ratings and SKM answers (u: nine answers, 0 = not answered).
CREATE TABLE rating (
  mpp_id     text     NOT NULL,
  day        date     NOT NULL,
  ticket_id  bigint   NOT NULL,
  service    text     NOT NULL,
  counter_id int      NOT NULL,
  operator   text     NOT NULL,
  weekday    smallint NOT NULL,
  hour       smallint NOT NULL,
  score      smallint NOT NULL,
  u          smallint[] NOT NULL,
  PRIMARY KEY (mpp_id, day, ticket_id),
  FOREIGN KEY (mpp_id, day) REFERENCES shipped_day ON DELETE CASCADE
);
CREATE INDEX rating_by_day ON rating (day);
-- Each hall's services as its catalog in force publishes them.
CREATE TABLE standard (
  mpp_id          text NOT NULL REFERENCES mpp,
  service         text NOT NULL,
  name            text NOT NULL,
  agency          text NOT NULL,
  agency_name     text NOT NULL,
  wait_target_min int  NOT NULL,
  service_std_min int  NOT NULL,
  time_standard   text NOT NULL,
  PRIMARY KEY (mpp_id, service)
);
-- The hall of the role logged in (SECURITY DEFINER: shippers cannot read
-- the mpp table's other rows).
CREATE FUNCTION central_mpp_of_user() RETURNS text LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, public
  AS $$ SELECT mpp_id FROM public.mpp WHERE role = session_user $$;
)sql",
    // 2: monthly rollups per hall and service, rebuilt from the cells and
    // ratings of the month in each day's shipping transaction: what a report
    // over many halls and months reads (counts and sums exact, waits as
    // histograms in the buckets of central_wait_bucket, docs/CENTRAL.md).
    R"sql(
CREATE FUNCTION central_wait_bucket(ms int) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN m < 10 THEN m
              WHEN m < 30 THEN 10 + (m - 10) / 2
              WHEN m < 120 THEN 20 + (m - 30) / 5
              WHEN m < 240 THEN 38 + (m - 120) / 15
              WHEN m < 480 THEN 46 + (m - 240) / 30
              ELSE 54 END
  FROM (SELECT greatest(ms, 0) / 60000 AS m) x $$;
CREATE FUNCTION central_histogram(v int[]) RETURNS int[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT array_agg(coalesce(h.n, 0)::int ORDER BY b.b)
  FROM generate_series(0, 54) b(b)
  LEFT JOIN (SELECT central_wait_bucket(x) AS bb, count(*) AS n FROM unnest(v) x GROUP BY 1) h
    ON h.bb = b.b $$;
CREATE TABLE month_service (
  mpp_id         text NOT NULL REFERENCES mpp,
  month          date NOT NULL,
  service        text NOT NULL,
  issued int NOT NULL, served int NOT NULL, no_show int NOT NULL, cancelled int NOT NULL,
  expired int NOT NULL, transferred int NOT NULL, print_failed int NOT NULL,
  priority int NOT NULL, out_of_order int NOT NULL, appointments int NOT NULL,
  wait_judged int NOT NULL, wait_within int NOT NULL,
  service_judged int NOT NULL, service_within int NOT NULL,
  wait_sum bigint NOT NULL, wait_max int NOT NULL, wait_hist int[] NOT NULL,
  service_sum bigint NOT NULL, service_max int NOT NULL, service_hist int[] NOT NULL,
  PRIMARY KEY (mpp_id, month, service)
);
CREATE TABLE month_rating (
  mpp_id      text NOT NULL REFERENCES mpp,
  month       date NOT NULL,
  service     text NOT NULL,
  scores      int[] NOT NULL,  -- one-tap ratings 1..4
  respondents int NOT NULL,    -- SKM forms with an answer
  answered    int[] NOT NULL,  -- per element U1..U9
  sums        bigint[] NOT NULL,
  PRIMARY KEY (mpp_id, month, service)
);
)sql",
    // 3: anonymous ticket facts: times, outcome, priority reason, source -
    // no number a visitor holds, no token, no name; the operator as shipped
    // (a pseudonym unless the hall opted in).
    R"sql(
CREATE TABLE ticket_fact (
  mpp_id          text   NOT NULL,
  day             date   NOT NULL,
  ticket_id       bigint NOT NULL,
  service         text   NOT NULL,
  issued_service  text   NOT NULL,
  state           text   NOT NULL,
  priority        text   NOT NULL,
  source          text   NOT NULL,
  appointment     smallint,          -- 1 on time, 2 late, NULL a walk-in
  issued_ms       bigint NOT NULL,
  first_called_ms bigint,
  serving_ms      bigint,
  finished_ms     bigint,
  wait_ms         bigint,
  service_ms      bigint,
  wait_met        boolean,
  service_met     boolean,
  transfers       int    NOT NULL,
  recalls         int    NOT NULL,
  counter_id      int,
  operator        text   NOT NULL,
  out_of_order    text,
  PRIMARY KEY (mpp_id, day, ticket_id),
  FOREIGN KEY (mpp_id, day) REFERENCES shipped_day ON DELETE CASCADE
);
)sql",
    // 4: the standards' history. Every catalog a hall put in force, keyed by
    // when (a catalog put back in force later is a new period), with its
    // services' standards; `standard` stays the catalog in force now (the
    // reports' labels). A ticket is judged by its own targets in the cells.
    R"sql(
CREATE TABLE catalog_in_force (
  mpp_id      text   NOT NULL REFERENCES mpp,
  in_force_ms bigint NOT NULL,  -- when the broker put it in force (UTC ms)
  from_day    date   NOT NULL,  -- that moment's local day at the hall
  version     text   NOT NULL,  -- the catalog's content hash
  PRIMARY KEY (mpp_id, in_force_ms)
);
CREATE TABLE standard_history (
  mpp_id          text   NOT NULL,
  in_force_ms     bigint NOT NULL,
  service         text   NOT NULL,
  name            text   NOT NULL,
  agency          text   NOT NULL,
  agency_name     text   NOT NULL,
  wait_target_min int    NOT NULL,
  service_std_min int    NOT NULL,
  time_standard   text   NOT NULL,
  PRIMARY KEY (mpp_id, in_force_ms, service),
  FOREIGN KEY (mpp_id, in_force_ms) REFERENCES catalog_in_force ON DELETE CASCADE
);
-- Each service's standard with the period it was in force: from its
-- catalog's moment until the next catalog's (NULL: still in force). A view
-- that runs with the reader's rights, so row-level security applies.
CREATE VIEW standard_period WITH (security_invoker = true) AS
  SELECT h.mpp_id, h.service, h.name, h.agency, h.agency_name, h.wait_target_min,
         h.service_std_min, h.time_standard, c.version,
         to_timestamp(c.in_force_ms / 1000.0) AS valid_from, c.from_day AS valid_from_day,
         to_timestamp(c.until_ms / 1000.0) AS valid_until, c.until_day AS valid_until_day
  FROM (SELECT *, lead(in_force_ms) OVER w AS until_ms, lead(from_day) OVER w AS until_day
        FROM catalog_in_force WINDOW w AS (PARTITION BY mpp_id ORDER BY in_force_ms)) c
  JOIN standard_history h ON h.mpp_id = c.mpp_id AND h.in_force_ms = c.in_force_ms;
-- The standard of a hall's service in force on a day (the last catalog put in
-- force on or before it); no row when the service was not offered then.
CREATE FUNCTION central_standard_on(hall text, svc text, on_day date)
  RETURNS SETOF standard_period LANGUAGE sql STABLE AS $$
  SELECT * FROM standard_period WHERE mpp_id = hall AND service = svc
    AND valid_from_day <= on_day AND (valid_until_day IS NULL OR valid_until_day > on_day)
  ORDER BY valid_from DESC LIMIT 1 $$;
)sql",
    // 5: the day tables partitioned by month (cell_2026_11, ...): a month's
    // report reads its month's partition, and a month can be retired whole
    // (DROP TABLE cell_2025_01, ...) instead of deleted row by row.
    // Partitions are made by central_ensure_month(), which a shipper calls
    // before a month's transaction (it cannot create tables itself).
    R"sql(
CREATE FUNCTION central_ensure_month(d date) RETURNS void LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = public AS $$
DECLARE
  m date := date_trunc('month', d)::date;
  t text;
  p text;
BEGIN
  FOREACH t IN ARRAY ARRAY['cell', 'rating', 'ticket_fact'] LOOP
    p := t || '_' || to_char(m, 'YYYY_MM');
    IF to_regclass(p) IS NULL THEN
      PERFORM pg_advisory_xact_lock(4242002);  -- two shippers, one new month
      IF to_regclass(p) IS NULL THEN
        EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)', p, t, m,
                       (m + interval '1 month')::date);
      END IF;
    END IF;
  END LOOP;
END $$;
REVOKE ALL ON FUNCTION central_ensure_month(date) FROM PUBLIC;
ALTER TABLE cell RENAME TO cell_v4;
ALTER INDEX cell_pkey RENAME TO cell_v4_pkey;
ALTER INDEX cell_by_day RENAME TO cell_v4_by_day;
ALTER TABLE rating RENAME TO rating_v4;
ALTER INDEX rating_pkey RENAME TO rating_v4_pkey;
ALTER INDEX rating_by_day RENAME TO rating_v4_by_day;
ALTER TABLE ticket_fact RENAME TO ticket_fact_v4;
ALTER INDEX ticket_fact_pkey RENAME TO ticket_fact_v4_pkey;
CREATE TABLE cell (LIKE cell_v4 INCLUDING ALL) PARTITION BY RANGE (day);
CREATE TABLE rating (LIKE rating_v4 INCLUDING ALL) PARTITION BY RANGE (day);
CREATE TABLE ticket_fact (LIKE ticket_fact_v4 INCLUDING ALL) PARTITION BY RANGE (day);
ALTER TABLE cell ADD FOREIGN KEY (mpp_id, day) REFERENCES shipped_day ON DELETE CASCADE;
ALTER TABLE rating ADD FOREIGN KEY (mpp_id, day) REFERENCES shipped_day ON DELETE CASCADE;
ALTER TABLE ticket_fact ADD FOREIGN KEY (mpp_id, day) REFERENCES shipped_day ON DELETE CASCADE;
SELECT central_ensure_month(m::date)
  FROM generate_series(date_trunc('month', (SELECT min(day) FROM shipped_day)),
                       (SELECT max(day) FROM shipped_day), interval '1 month') m;
INSERT INTO cell SELECT * FROM cell_v4;
INSERT INTO rating SELECT * FROM rating_v4;
INSERT INTO ticket_fact SELECT * FROM ticket_fact_v4;
DROP TABLE cell_v4, rating_v4, ticket_fact_v4;
)sql",
};
static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) == kCentralSchemaVersion);

// The tables of hall data, with the schema version that made each: each
// hall's shipper writes only its own rows, readers read all (row-level
// security).
struct HallTable {
  const char* name;
  int since;
};
const HallTable kHallTables[] = {
    {"shipped_day", 1},     {"cell", 1},         {"rating", 1},      {"standard", 1},
    {"month_service", 2},   {"month_rating", 2}, {"ticket_fact", 3}, {"catalog_in_force", 4},
    {"standard_history", 4}};

// Roles, grants and row-level security of schema `version`, applied after
// every migration (idempotent): the same two policies on every table of
// hall data (on a partitioned table, for all its partitions).
std::string SecuritySql(int version) {
  std::string tables;
  std::vector<std::string> names;
  for (const HallTable& t : kHallTables) {
    if (t.since > version) continue;
    names.emplace_back(t.name);
    tables += std::string(tables.empty() ? "" : ", ") + t.name;
  }
  std::string sql =
      "DO $$ BEGIN CREATE ROLE mpp_shipper NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; "
      "END $$;\n"
      "DO $$ BEGIN CREATE ROLE mpp_reader NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; "
      "END $$;\n"
      "GRANT USAGE ON SCHEMA public TO mpp_shipper, mpp_reader;\n"
      "GRANT SELECT ON mpp, " +
      tables +
      " TO mpp_reader;\n"
      "GRANT SELECT, INSERT, UPDATE, DELETE ON " +
      tables +
      " TO mpp_shipper;\n"
      "GRANT EXECUTE ON FUNCTION central_mpp_of_user() TO mpp_shipper;\n";
  if (version >= 4) sql += "GRANT SELECT ON standard_period TO mpp_reader, mpp_shipper;\n";
  if (version >= 5) sql += "GRANT EXECUTE ON FUNCTION central_ensure_month(date) TO mpp_shipper;\n";
  for (const std::string& t : names) {
    sql += "ALTER TABLE " + t +
           " ENABLE ROW LEVEL SECURITY;\n"
           "DROP POLICY IF EXISTS own_rows ON " +
           t +
           ";\n"
           "CREATE POLICY own_rows ON " +
           t +
           " TO mpp_shipper USING (mpp_id = "
           "central_mpp_of_user()) WITH CHECK (mpp_id = central_mpp_of_user());\n"
           "DROP POLICY IF EXISTS read_all ON " +
           t +
           ";\n"
           "CREATE POLICY read_all ON " +
           t + " FOR SELECT TO mpp_reader USING (true);\n";
  }
  return sql;
}

}  // namespace

bool ValidMppId(const std::string& id) {
  if (id.empty() || id.size() > 40 || id[0] == '-') return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

std::string ShipperRole(const std::string& mpp_id) {
  std::string role = "mpp_" + mpp_id;
  std::replace(role.begin(), role.end(), '-', '_');
  return role;
}

Status ApplySchema(pqxx::connection& db, int up_to) {
  try {
    pqxx::work w(db);
    // One migrator at a time (two `init`s at once would race).
    w.exec("SELECT pg_advisory_xact_lock(4242001)");
    w.exec("CREATE TABLE IF NOT EXISTS central_version (version int NOT NULL)");
    const pqxx::result r = w.exec("SELECT max(version) FROM central_version");
    const int have = r[0][0].is_null() ? 0 : r[0][0].as<int>();
    if (up_to < 1 || up_to > kCentralSchemaVersion) {
      return Status::Error("schema version " + std::to_string(up_to) + " is not one of 1.." +
                           std::to_string(kCentralSchemaVersion));
    }
    if (have > kCentralSchemaVersion) {
      return Status::Error("the central database has schema " + std::to_string(have) +
                           ", newer than this program knows (" +
                           std::to_string(kCentralSchemaVersion) + "); use a newer mpp-central");
    }
    for (int v = have; v < up_to; ++v) {
      w.exec(kMigrations[v]);
      w.exec("INSERT INTO central_version VALUES (" + std::to_string(v + 1) + ")");
    }
    w.exec(SecuritySql(std::max(have, up_to)));
    w.commit();
    return Status::Ok();
  } catch (const std::exception& e) {
    return CentralError(e, "central schema");
  }
}

Status AddMpp(pqxx::connection& db, const MppInfo& m, const std::string& password) {
  if (!ValidMppId(m.id)) {
    return Status::Error("mpp id '" + m.id +
                         "': use lower-case letters, digits and dashes (at most 40), e.g. "
                         "'cilegon'");
  }
  if (m.name.empty() || m.city.empty() || m.province.empty()) {
    return Status::Error("an MPP needs a name, a city and a province");
  }
  if (password.size() < 12) {
    return Status::Error("the shipper's password must have at least 12 characters");
  }
  const std::string role = ShipperRole(m.id);
  try {
    pqxx::work w(db);
    const bool exists = w.exec_params("SELECT 1 FROM pg_roles WHERE rolname = $1", role).size() > 0;
    w.exec(std::string(exists ? "ALTER" : "CREATE") + " ROLE " + w.quote_name(role) +
           " LOGIN PASSWORD " + w.quote(password));
    w.exec("GRANT mpp_shipper TO " + w.quote_name(role));
    w.exec_params(
        "INSERT INTO mpp (mpp_id, name, city, province, role) VALUES ($1, $2, $3, $4, $5) "
        "ON CONFLICT (mpp_id) DO UPDATE SET name = excluded.name, city = excluded.city, "
        "province = excluded.province, role = excluded.role",
        m.id, m.name, m.city, m.province, role);
    w.commit();
    return Status::Ok();
  } catch (const std::exception& e) {
    return CentralError(e, "add mpp");
  }
}

StatusOr<std::vector<std::string>> RetireBefore(pqxx::connection& db, const std::string& month) {
  const auto first = LocalMidnightMs(month + "-01", 0);
  if (month.size() != 7 || !first) {
    return Status::Error("--before takes a month like 2025-02 (it keeps that month and later)");
  }
  std::vector<std::string> dropped;
  try {
    pqxx::work w(db);
    for (const auto& r :
         w.exec_params("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                       " JOIN pg_class p ON p.oid = i.inhparent"
                       " WHERE p.relname IN ('cell', 'rating', 'ticket_fact')"
                       " AND c.relname ~ '_[0-9]{4}_[0-9]{2}$'"
                       " AND to_date(right(c.relname, 7), 'YYYY_MM') < $1::date ORDER BY 1",
                       month + "-01")) {
      dropped.push_back(r[0].as<std::string>());
      w.exec("DROP TABLE " + w.quote_name(dropped.back()));
    }
    w.commit();
  } catch (const std::exception& e) {
    return CentralError(e, "retire");
  }
  return dropped;
}

Status AddReader(pqxx::connection& db, const std::string& role, const std::string& password) {
  try {
    pqxx::work w(db);
    const bool exists = w.exec_params("SELECT 1 FROM pg_roles WHERE rolname = $1", role).size() > 0;
    w.exec(std::string(exists ? "ALTER" : "CREATE") + " ROLE " + w.quote_name(role) +
           " LOGIN PASSWORD " + w.quote(password));
    w.exec("GRANT mpp_reader TO " + w.quote_name(role));
    w.commit();
    return Status::Ok();
  } catch (const std::exception& e) {
    return CentralError(e, "add reader");
  }
}

}  // namespace mpp::central
