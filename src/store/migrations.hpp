#pragma once
// Schema migrations: numbered scripts applied in order, each in its own transaction together
// with the bump of PRAGMA user_version, so a crash leaves the schema at a known version.

#include "core/result.hpp"
#include "store/db.hpp"

namespace srtgw::store {

/// Any thread: the schema version this build creates and understands.
int latestSchemaVersion();

/// Db owner thread: the schema version recorded in the database (0 for a new file).
core::Result<int> schemaVersion(Db& db);

/// Db owner thread: brings the schema up to latestSchemaVersion() and returns it. A no-op on
/// an up-to-date database; kConflict (nothing changed) when the database is newer than this
/// build, so an older srtgw never writes to a schema it does not know.
core::Result<int> migrate(Db& db);

}  // namespace srtgw::store
