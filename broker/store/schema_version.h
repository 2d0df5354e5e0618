// The database schema this build writes (PRAGMA user_version), apart from the
// store so that readers of the file (reports) can check it without the store.
#pragma once

namespace mpp::store {

// Raised with each entry appended to store.cc's kMigrations.
inline constexpr int kSchemaVersion = 11;

}  // namespace mpp::store
