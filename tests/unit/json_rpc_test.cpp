#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "mcp/base64.h"
#include "mcp/json_rpc.h"
#include "mcp/protocol_version.h"

namespace mcp::jsonrpc {
namespace {

Rejection rejection_of(const std::string& text) {
  auto outcome = parse(text);
  EXPECT_TRUE(std::holds_alternative<Rejection>(outcome)) << text;
  return std::holds_alternative<Rejection>(outcome) ? std::get<Rejection>(outcome) : Rejection{0, "", nullptr};
}

Message message_of(const std::string& text) {
  auto outcome = parse(text);
  EXPECT_TRUE(std::holds_alternative<Message>(outcome)) << text;
  return std::holds_alternative<Message>(outcome) ? std::get<Message>(outcome) : Message{Kind::kError, json()};
}

TEST(JsonRpcParse, ClassifiesTheFourKinds) {
  EXPECT_EQ(message_of(R"({"jsonrpc":"2.0","id":1,"method":"ping"})").kind, Kind::kRequest);
  EXPECT_EQ(message_of(R"({"jsonrpc":"2.0","method":"notifications/initialized"})").kind, Kind::kNotification);
  EXPECT_EQ(message_of(R"({"jsonrpc":"2.0","id":"a","result":{}})").kind, Kind::kResult);
  EXPECT_EQ(message_of(R"({"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"x"}})").kind, Kind::kError);
}

TEST(JsonRpcParse, MalformedJsonIsAParseErrorWithNullId) {
  Rejection r = rejection_of(R"({"jsonrpc":"2.0","id":1,"method":"ping")");
  EXPECT_EQ(r.code, kParseError);
  EXPECT_TRUE(r.id.is_null());
}

TEST(JsonRpcParse, InvalidRequestsKeepTheIdWhenReadable) {
  Rejection wrong_version = rejection_of(R"({"jsonrpc":"1.0","id":7,"method":"ping"})");
  EXPECT_EQ(wrong_version.code, kInvalidRequest);
  EXPECT_EQ(wrong_version.id, 7);
  Rejection method_type = rejection_of(R"({"jsonrpc":"2.0","id":"x","method":42})");
  EXPECT_EQ(method_type.code, kInvalidRequest);
  EXPECT_EQ(method_type.id, "x");
  EXPECT_EQ(rejection_of(R"({"jsonrpc":"2.0","id":null,"method":"ping"})").code, kInvalidRequest);
  EXPECT_EQ(rejection_of(R"({"jsonrpc":"2.0","id":1.5,"method":"ping"})").code, kInvalidRequest);
  EXPECT_EQ(rejection_of(R"({"jsonrpc":"2.0","id":1,"method":"x","params":3})").code, kInvalidRequest);
  EXPECT_EQ(rejection_of(R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])").code, kInvalidRequest);
  EXPECT_EQ(rejection_of(R"("just a string")").code, kInvalidRequest);
  EXPECT_EQ(rejection_of(R"({"jsonrpc":"2.0","id":1,"result":{},"error":{"code":1,"message":"m"}})").code,
            kInvalidRequest);
}

TEST(JsonRpcParse, RefusesDeepNestingBeforeParsing) {
  std::string deep = std::string(10000, '[') + std::string(10000, ']');
  Rejection r = rejection_of(deep);
  EXPECT_EQ(r.code, kInvalidRequest);
  EXPECT_NE(r.message.find("nests deeper"), std::string::npos);
  EXPECT_EQ(nesting_depth(R"({"a":"[[[[["})", 10), 1) << "brackets inside strings do not count";
  // The refusal still names the request, so the client can match it (found by mcp-harness fuzz).
  std::string deep_request = R"({"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"arguments":)" +
                             std::string(100000, '[') + std::string(100000, ']') + "}}";
  EXPECT_EQ(rejection_of(deep_request).id, 7);
}

TEST(JsonRpcSerialize, NeverThrowsAndNeverEmitsRawNewlines) {
  json message = make_request(1, "echo", {{"text", std::string("line1\nline2\xff\xfe")}});
  std::string line = serialize(message);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_NE(line.find("line1\\nline2"), std::string::npos);
  // Reports and repro files of fuzz findings hold such arguments too.
  std::string indented = serialize_indented(message);
  EXPECT_NE(indented.find("\n  "), std::string::npos);
  EXPECT_NE(indented.find("line2\xef\xbf\xbd"), std::string::npos) << "0xFF becomes U+FFFD";
}

RC_GTEST_PROP(JsonRpcProperties, ParseNeverThrowsOnArbitraryBytes, (const std::string& bytes)) {
  auto outcome = parse(bytes);
  RC_ASSERT(std::holds_alternative<Message>(outcome) || std::holds_alternative<Rejection>(outcome));
}

RC_GTEST_PROP(JsonRpcProperties, RequestsRoundTrip, (int id)) {
  // Valid UTF-8 text round-trips exactly (invalid UTF-8 is replaced by design, see serialize).
  auto printable = rc::gen::container<std::string>(rc::gen::inRange<char>(32, 127));
  std::string method = *printable;
  std::string value = *printable;
  json request = make_request(id, method, {{"value", value}});
  auto outcome = parse(serialize(request));
  RC_ASSERT(std::holds_alternative<Message>(outcome));
  const Message& m = std::get<Message>(outcome);
  RC_ASSERT(m.kind == Kind::kRequest);
  RC_ASSERT(m.id() == json(id));
  RC_ASSERT(m.method() == method);
}

TEST(Base64, RoundTripsAndRejectsForeignCharacters) {
  for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    EXPECT_EQ(base64_decode(base64_encode(s)).value_or("?"), s);
    EXPECT_EQ(base64_decode(base64url_encode(s)).value_or("?"), s);
  }
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
  EXPECT_FALSE(base64_decode("a*b=").has_value());
}

TEST(ProtocolVersions, NegotiationEchoesSupportedAndFallsBackToLatest) {
  auto supported = protocol::legacy_version_names();
  ASSERT_EQ(supported.size(), 4u);
  EXPECT_EQ(protocol::negotiate("2025-03-26", supported), "2025-03-26");
  EXPECT_EQ(protocol::negotiate("1999-01-01", supported), "2025-11-25");
  EXPECT_TRUE(protocol::find_revision("2025-03-26")->batches_required);
  EXPECT_TRUE(protocol::find_revision("2025-11-25")->input_errors_in_result);
  EXPECT_FALSE(protocol::find_revision("2025-06-18")->input_errors_in_result);
  EXPECT_EQ(protocol::find_revision("2026-07-28")->era, protocol::Era::kModern);
}

}  // namespace
}  // namespace mcp::jsonrpc

namespace mcp::jsonrpc {
namespace {

TEST(JsonRpcSerializedSize, CountsExactlyWhatSerializeWrites) {
  std::vector<nlohmann::json> values = {
      nullptr, true, 0, -17, 18446744073709551615ULL, 3.25, 1e-300, "", "tab\\t \"quoted\" \x01 control",
      "h\xc3\xa9llo \xe2\x82\xac", std::string("bad utf-8 \xff\xfe end"), nlohmann::json::array(), nlohmann::json::object(),
      {{"content", {{{"type", "text"}, {"text", "x"}}}}, {"structuredContent", {{"n", 1.5}, {"list", {1, 2, 3}}}}}};
  for (const nlohmann::json& value : values) {
    EXPECT_EQ(serialized_size(value), serialize(value).size()) << serialize(value);
  }
}

}  // namespace
}  // namespace mcp::jsonrpc
