// Where the programs look by default (docs/OPERATIONS.md, "Install").
//
// Installed from the packages (/usr/bin/...), the catalog is
// /etc/mpp/catalog.toml and the database /var/lib/mpp/mpp.db. Run from a
// build tree (a CMakeCache.txt beside the program's folder), the defaults
// stay those of a source checkout: config/mpp-cilegon.toml and var/mpp.db,
// relative to the working directory.
#pragma once

#include <string>

namespace mpp {

bool RunFromBuildTree();
std::string DefaultCatalogPath();
std::string DefaultDatabasePath();

}  // namespace mpp
