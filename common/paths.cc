#include "common/paths.h"

#include <filesystem>
#include <system_error>

namespace mpp {

bool RunFromBuildTree() {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return true;  // unknown: keep the source checkout's behaviour
  return std::filesystem::exists(exe.parent_path() / "CMakeCache.txt", ec);
}

std::string DefaultCatalogPath() {
  return RunFromBuildTree() ? "config/mpp-cilegon.toml" : "/etc/mpp/catalog.toml";
}

std::string DefaultDatabasePath() {
  return RunFromBuildTree() ? "var/mpp.db" : "/var/lib/mpp/mpp.db";
}

}  // namespace mpp
