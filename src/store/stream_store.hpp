#pragma once
// StreamStore: the gateway's intent (which inputs and outputs exist, how they are configured).
//
// Schema (migration 1, see migrations.cpp):
//   inputs(id, name, enabled, config, created_ms, updated_ms)
//   outputs(id, input_id -> inputs(id) ON DELETE CASCADE, name, enabled, config, created_ms,
//           updated_ms), indexed on input_id
// ids are AUTOINCREMENT, so a deleted id is never handed out again. `config` is a JSON document
// owned by the control layer; the store neither parses it nor puts it in error messages (it may
// hold passphrases). Times are wall-clock milliseconds since the Unix epoch.
// Durability: every write is committed before its function returns, and the Db runs WAL with
// synchronous=FULL, so an acknowledged change survives kill -9 and power loss.
// The Db must have been migrated (migrate()) before use.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "store/db.hpp"

namespace srtgw::store {

struct InputRecord {
  int64_t id = 0;
  std::string name;
  bool enabled = true;
  std::string config;  // JSON, opaque here
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
};

struct OutputRecord {
  int64_t id = 0;
  int64_t input_id = 0;
  std::string name;
  bool enabled = true;
  std::string config;  // JSON, opaque here
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
};

// Repository over a Db it does not own; same threading rule as the Db (one thread at a time).
// Each call is its own transaction: calls cannot be made inside a caller's Tx.
class StreamStore {
 public:
  /// Db owner thread: `db` must outlive the store and already be migrated.
  explicit StreamStore(Db& db) : db_(&db) {}

  /// Db owner thread: inserts; id and created_ms/updated_ms are assigned (r.id is ignored).
  core::Result<InputRecord> createInput(InputRecord r);
  /// Db owner thread: replaces name/enabled/config of input r.id; kNotFound when absent.
  core::Result<InputRecord> updateInput(InputRecord r);
  /// Db owner thread: deletes the input and, by cascade, its outputs; kNotFound when absent.
  core::Result<void> deleteInput(int64_t id);
  /// Db owner thread: the input, or nullopt when absent.
  core::Result<std::optional<InputRecord>> getInput(int64_t id);
  /// Db owner thread: inputs ordered by id; limit < 0 means no limit; offset < 0 is refused.
  core::Result<std::vector<InputRecord>> listInputs(int64_t offset = 0, int64_t limit = -1);
  /// Db owner thread: number of inputs.
  core::Result<int64_t> countInputs();

  /// Db owner thread: inserts; kNotFound (field "input_id") when the input does not exist.
  core::Result<OutputRecord> createOutput(OutputRecord r);
  /// Db owner thread: replaces input_id/name/enabled/config of output r.id; kNotFound when
  /// the output is absent, kNotFound (field "input_id") when the new input does not exist.
  core::Result<OutputRecord> updateOutput(OutputRecord r);
  /// Db owner thread: deletes the output; kNotFound when absent.
  core::Result<void> deleteOutput(int64_t id);
  /// Db owner thread: the output, or nullopt when absent.
  core::Result<std::optional<OutputRecord>> getOutput(int64_t id);
  /// Db owner thread: outputs ordered by id; limit < 0 means no limit; offset < 0 is refused.
  core::Result<std::vector<OutputRecord>> listOutputs(int64_t offset = 0, int64_t limit = -1);
  /// Db owner thread: the outputs of one input, ordered by id (empty if the input is absent).
  core::Result<std::vector<OutputRecord>> listOutputsOf(int64_t input_id);
  /// Db owner thread: number of outputs.
  core::Result<int64_t> countOutputs();
  /// Db owner thread: number of outputs of one input (0 if the input is absent).
  core::Result<int64_t> countOutputsOf(int64_t input_id);

 private:
  Db* db_;
};

}  // namespace srtgw::store
