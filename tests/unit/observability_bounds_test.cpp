// What telemetry and logs keep of what a client sends: secrets redacted by name at any
// depth (inside arrays, for unknown tools too), and every logged string cut.
#include <gtest/gtest.h>

#include <cstdio>

#include "reference-server/core/event_log.h"
#include "reference-server/observability/telemetry.h"

namespace mcp::server {
namespace {

using json = nlohmann::json;

TEST(Telemetry, RedactsSecretsInArraysAndUnknownTools) {
  json arguments = {{"accounts", {{{"name", "a"}, {"api_key", "sk-live-1"}}, {{"name", "b"}, {"password", "hunter2"}}}},
                    {"nested", {{"auth", {{"token", "t0k"}}}}},
                    {"query", "visible"}};
  std::string text;
  obs::append_redacted(text, arguments, json::object());  // no schema: an unknown tool's arguments
  json redacted = json::parse(text);
  for (const char* secret : {"sk-live-1", "hunter2", "t0k"}) EXPECT_EQ(text.find(secret), std::string::npos) << text;
  EXPECT_EQ(redacted["query"], "visible");
  EXPECT_EQ(redacted["accounts"][1]["name"], "b");
  // With a schema, writeOnly marks a secret whatever its name, inside array items too.
  json schema = {{"type", "object"},
                 {"properties", {{"items", {{"type", "array"}, {"items", {{"type", "object"}, {"properties", {{"pin", {{"writeOnly", true}}}}}}}}}}}};
  std::string with_schema;
  obs::append_redacted(with_schema, {{"items", {{{"pin", "1234"}}}}}, schema);
  EXPECT_EQ(json::parse(with_schema)["items"][0]["pin"], "[REDACTED]");
}

TEST(EventLog, LongFieldsAreCut) {
  std::FILE* sink = std::tmpfile();
  set_log_stream(sink);
  log_event("warn", "auth_decision", {{"method", std::string(5 * 1024 * 1024, 'm')}, {"list", json(std::vector<int>(1000, 7))}});
  set_log_stream(nullptr);
  std::fflush(sink);
  long size = std::ftell(sink);
  std::rewind(sink);
  std::string line(static_cast<std::size_t>(size), '\0');
  ASSERT_EQ(std::fread(line.data(), 1, line.size(), sink), line.size());
  std::fclose(sink);
  EXPECT_LT(line.size(), 2000u) << "a client-sized field was logged whole";
  json parsed = json::parse(line);
  EXPECT_NE(parsed["method"].get<std::string>().find("(5242880 bytes)"), std::string::npos);
  EXPECT_EQ(parsed["list"].size(), 65u) << "64 items and a note of how many there were";
}

}  // namespace
}  // namespace mcp::server
