// The REST documents of inputs and outputs (control/stream_config.cpp).

#include "control/stream_config.hpp"

#include <gtest/gtest.h>

#include <string>

namespace srtgw::control {
namespace {

using nlohmann::json;

// Found by fuzz/fuzz_stream_config.cpp: a caller to a long host name and no `name` got the
// default name "SRT Caller <host>:<port>", longer than the 128 characters a name may have, so
// the stored document failed validation when it was restored and the stream never came back
// after a restart. (The host is 127.0.0.1 in inet_aton's hex form: no DNS needed.)
TEST(StreamConfig, ADefaultNameFromALongHostValidatesOnRestore) {
  const std::string host = "0x" + std::string(140, '0') + "7f.0.0.1";
  const json body{{"type", "srt"}, {"mode", "caller"}, {"target_addr", host + ":9000"}};
  std::vector<FieldError> errors;
  auto doc = parseStreamDoc(StreamKind::kInput, body, errors);
  ASSERT_TRUE(doc.has_value()) << (errors.empty() ? "" : errors[0].field + ": " + errors[0].message);
  EXPECT_LE(doc->name.size(), 128u);
  EXPECT_EQ(doc->name.rfind("SRT Caller 0x000", 0), 0u) << doc->name;

  std::vector<FieldError> restore_errors;
  auto restored = parseStreamDoc(
      StreamKind::kInput, fullDocument(StreamKind::kInput, doc->name, doc->enabled, 0, doc->config),
      restore_errors);
  ASSERT_TRUE(restored.has_value())
      << restore_errors[0].field << ": " << restore_errors[0].message;
  EXPECT_EQ(restored->endpoint, doc->endpoint);
  EXPECT_EQ(restored->name, doc->name);
}

}  // namespace
}  // namespace srtgw::control
