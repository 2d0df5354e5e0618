// The PostgreSQL server the central database's tests use: the one
// scripts/test started (MPP_TEST_PG, a libpq connection string of its
// superuser), or a throwaway cluster of this process's own
// (scripts/pg-test-cluster) when the tests run without scripts/test. Each
// test makes its own database in it.
#pragma once

#include <string>

#include "testing/temp_dir.h"

namespace mpp::testing {

class PgCluster {
 public:
  PgCluster();
  ~PgCluster();
  bool ok() const { return !base_.empty(); }
  const std::string& error() const { return error_; }
  // A fresh database; returns its name.
  std::string NewDatabase();
  // The connection string for `database` as `role` (the superuser by default).
  std::string Url(const std::string& database, const std::string& role = "postgres") const;

 private:
  std::string base_;  // "host=127.0.0.1 port=N" (no user or dbname)
  std::string error_;
  TempDir dir_;
  bool own_ = false;
  int databases_ = 0;
};

}  // namespace mpp::testing
