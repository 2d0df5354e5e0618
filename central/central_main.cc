// mpp-central: the central database of many halls (docs/CENTRAL.md).
//
//   mpp-central --db URL init [--schema N]
//   mpp-central --db URL add-mpp --mpp cilegon --name "..." --city "Kota Cilegon"
//               --province Banten --password-file F
//   mpp-central --db URL add-reader --role ombudsman --password-file F
//   mpp-central --db URL report --from 2026-01-01 --to 2026-12-31 --by province
//               [--province Banten] [--worst-first --limit 10] [--format table|csv|excel|json|md]
//   mpp-central --db URL standards [--mpp cilegon] [--service KTP-REKAM]
//   mpp-central --db URL retire --before 2025-02
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "broker/report/report.h"
#include "central/report.h"
#include "central/schema.h"
#include "common/cli.h"

namespace {

std::string ReadSecret(const std::string& path, bool* ok) {
  std::ifstream in(path);
  std::string s;
  *ok = static_cast<bool>(std::getline(in, s));
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"mpp-central - the central database of many MPP halls"};
  app.set_version_flag("--version", MPP_VERSION_STRING);
  app.require_subcommand(1);
  std::string url;
  app.add_option("--db", url, "libpq connection string of the central database")
      ->envname("MPP_CENTRAL")
      ->required();
  CLI::App* init = app.add_subcommand("init", "create or migrate the schema and roles");
  int schema = mpp::central::kCentralSchemaVersion;
  init->add_option("--schema", schema,
                   "migrate only up to this version (a staged upgrade; the benchmark measures "
                   "before and after partitioning)")
      ->capture_default_str();
  mpp::central::MppInfo info;
  std::string password_file, role;
  CLI::App* add = app.add_subcommand("add-mpp", "register a hall and its shipper's login role");
  add->add_option("--mpp", info.id, "id, e.g. cilegon")->required();
  add->add_option("--name", info.name, "the hall's name")->required();
  add->add_option("--city", info.city, "e.g. Kota Cilegon")->required();
  add->add_option("--province", info.province, "e.g. Banten")->required();
  add->add_option("--password-file", password_file, "the shipper's password (first line)")
      ->required();
  CLI::App* reader = app.add_subcommand("add-reader", "a login role that reads every hall");
  reader->add_option("--role", role, "role name")->required();
  reader->add_option("--password-file", password_file, "its password (first line)")->required();
  mpp::central::CentralQuery q;
  std::string by = "mpp", format = "table";
  CLI::App* rep = app.add_subcommand("report", "the compliance report over the halls");
  rep->add_option("--from", q.from, "first day, YYYY-MM-DD")->required();
  rep->add_option("--to", q.to, "last day, YYYY-MM-DD")->required();
  rep->add_option("--by", by,
                  "mpp, city, province, agency, service, counter, operator, day, month, hour, "
                  "weekday-hour")
      ->capture_default_str();
  rep->add_option("--province", q.province, "only this province");
  rep->add_option("--city", q.city, "only this city");
  rep->add_option("--mpp", q.mpp, "only this hall");
  rep->add_flag("--worst-first", q.worst_first, "rank by the share of waits within the standard");
  rep->add_option("--limit", q.limit, "at most this many rows")->check(CLI::NonNegativeNumber);
  rep->add_option("--format", format, "table, csv, excel, json, md")->capture_default_str();
  rep->add_flag("--exact", q.exact,
                "read every stored wait even for whole months (slower; medians exact, not to "
                "the histogram bucket)");
  std::string std_mpp, std_service;
  CLI::App* standards = app.add_subcommand(
      "standards", "each service's published standard and the days it was in force");
  standards->add_option("--mpp", std_mpp, "only this hall");
  standards->add_option("--service", std_service, "only this service (its code)");
  std::string before;
  CLI::App* retire = app.add_subcommand(
      "retire",
      "drop the detail (cells, ratings, ticket facts) of the months before one; the "
      "monthly rollups stay");
  retire->add_option("--before", before, "the first month kept, e.g. 2025-02")->required();
  MPP_PARSE(app, argc, argv);
  try {
    pqxx::connection db(url);
    if (*init) {
      if (auto st = mpp::central::ApplySchema(db, schema); !st.ok()) {
        std::cerr << "mpp-central: " << st.message() << "\n";
        return mpp::kExitRefused;
      }
      std::cout << "mpp-central: schema " << schema << " in place\n";
      return mpp::kExitOk;
    }
    if (*add || *reader) {
      bool ok = false;
      const std::string password = ReadSecret(password_file, &ok);
      if (!ok) {
        std::cerr << "mpp-central: cannot read " << password_file << "\n";
        return mpp::kExitUsage;
      }
      const mpp::Status st = *add ? mpp::central::AddMpp(db, info, password)
                                  : mpp::central::AddReader(db, role, password);
      if (!st.ok()) {
        std::cerr << "mpp-central: " << st.message() << "\n";
        return mpp::kExitUsage;
      }
      std::cout << "mpp-central: "
                << (*add ? "MPP " + info.id + " ships as role " + mpp::central::ShipperRole(info.id)
                         : "reader " + role)
                << "\n";
      return mpp::kExitOk;
    }
    if (*retire) {
      auto dropped = mpp::central::RetireBefore(db, before);
      if (!dropped.ok()) {
        std::cerr << "mpp-central: " << dropped.status().message() << "\n";
        return mpp::kExitUsage;
      }
      for (const std::string& t : *dropped) std::cout << "dropped " << t << "\n";
      std::cout << "mpp-central: " << dropped->size() << " partition(s) before " << before
                << " retired; their monthly rollups stay\n";
      return mpp::kExitOk;
    }
    if (*standards) {
      pqxx::read_transaction t(db);
      const pqxx::result rows = t.exec_params(
          "SELECT mpp_id, service, valid_from_day::text, coalesce(valid_until_day::text, '-'),"
          " wait_target_min, service_std_min, time_standard, name FROM standard_period"
          " WHERE ($1 = '' OR mpp_id = $1) AND ($2 = '' OR service = $2)"
          " ORDER BY mpp_id, service, valid_from",
          std_mpp, std_service);
      std::printf("%-20s %-18s %-10s %-10s %-8s %-8s %s\n", "mpp", "service", "from", "until",
                  "wait", "service", "published time standard");
      for (const auto& r : rows) {
        std::printf("%-20s %-18s %-10s %-10s %-8s %-8s %s (%s)\n", r[0].c_str(), r[1].c_str(),
                    r[2].c_str(), r[3].c_str(), (r[4].as<std::string>() + " min").c_str(),
                    (r[5].as<std::string>() + " min").c_str(), r[6].c_str(), r[7].c_str());
      }
      if (rows.empty()) {
        std::cerr << "mpp-central: no standard shipped for that hall or service\n";
        return mpp::kExitUsage;
      }
      return mpp::kExitOk;
    }
    if (!mpp::report::ParseGroupBy(by, &q.by)) {
      std::cerr << "mpp-central: --by " << by << " is not a grouping\n";
      return mpp::kExitUsage;
    }
    bool rollups = false;
    auto r = mpp::central::CentralReport(db, q, &rollups);
    if (!r.ok()) {
      std::cerr << "mpp-central: " << r.status().message() << "\n";
      return mpp::kExitUsage;
    }
    const std::string out = mpp::report::Format(*r, format);
    if (out.empty()) {
      std::cerr << "mpp-central: unknown --format " << format << "\n";
      return mpp::kExitUsage;
    }
    std::cout << out;
    if (rollups) {
      std::cerr << "mpp-central: from the monthly rollups: medians and p90 to the histogram's "
                   "bucket (--exact reads every wait)\n";
    }
    return mpp::kExitOk;
  } catch (const std::exception& e) {
    std::cerr << "mpp-central: " << mpp::central::CentralError(e, "the central database").message()
              << "\n";
    return mpp::kExitUnreachable;
  }
}
