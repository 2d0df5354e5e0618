// Catalog changes while the hall runs (docs/OPERATIONS.md, "Changing the
// catalog"): the version every snapshot and heartbeat carries, and what a new
// catalog would change against the running state - with the reasons it
// cannot be applied now (a removed service that still has open tickets, a
// removed counter that is signed in, a new time zone while tickets are open).
//
// Pure: the broker applies a change with QueueCore::ChangeCatalog.
#pragma once

#include <string>

#include "common/catalog.h"
#include "mpp/v1/mpp.pb.h"

namespace mpp::core {

class QueueCore;

// 16 hex digits of a BLAKE2b hash of the catalog (its `version` left out).
std::string CatalogVersion(const v1::Catalog& catalog);

// A copy of `catalog` with its version set.
v1::Catalog Versioned(v1::Catalog catalog);

// What `next` changes against `current` for the hall in `core`; `problems`
// lists what stops it, each with what to do. `catalog` is left empty.
v1::CatalogChange DiffCatalogs(const CatalogIndex& current, const CatalogIndex& next,
                               const QueueCore& core);

}  // namespace mpp::core
