#include "tests/pg_cluster.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <pqxx/pqxx>
#include <regex>

namespace mpp::testing {
namespace {

std::string Run(const std::string& command) {
  std::string out;
  if (FILE* p = popen(command.c_str(), "r")) {
    char buf[256];
    while (fgets(buf, sizeof buf, p)) out += buf;
    pclose(p);
  }
  return out;
}

}  // namespace

PgCluster::PgCluster() {
  std::string conn;
  if (const char* env = std::getenv("MPP_TEST_PG"); env && *env) {
    conn = env;
  } else {
    conn = Run(std::string(MPP_SOURCE_DIR) + "/scripts/pg-test-cluster start " + dir_.File("pg") +
               " 2>&1");
    own_ = true;
  }
  std::smatch m;
  if (!std::regex_search(conn, m, std::regex("host=(\\S+) port=([0-9]+)"))) {
    error_ = "no PostgreSQL for the test: " + conn;
    return;
  }
  base_ = "host=" + std::string(m[1]) + " port=" + std::string(m[2]);
}

PgCluster::~PgCluster() {
  if (own_) Run(std::string(MPP_SOURCE_DIR) + "/scripts/pg-test-cluster stop " + dir_.File("pg"));
}

std::string PgCluster::NewDatabase() {
  std::string name = "mpp_test_" + std::to_string(::getpid()) + "_" + std::to_string(++databases_);
  pqxx::connection c(Url("postgres"));
  pqxx::nontransaction n(c);
  n.exec("DROP DATABASE IF EXISTS " + name);
  n.exec("CREATE DATABASE " + name);
  return name;
}

std::string PgCluster::Url(const std::string& database, const std::string& role) const {
  return base_ + " user=" + role + " dbname=" + database;
}

}  // namespace mpp::testing
