// The transport's ceiling: cpp-httplib alone, answering every POST /mcp with a fixed
// body the size of the reference server's echo reply, tuned as the reference server
// is (TCP_NODELAY, long keep-alive). bench/wrk.sh measures it in the same run as the
// servers, so every HTTP figure has its ceiling beside it. Usage: bench_bare_http PORT
#include <httplib.h>

#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const std::string body =
      R"({"id":1,"jsonrpc":"2.0","result":{"_meta":{"dev.mcp-harness/correlation-id":"23e1149f7003815f0181ee825bc6ba4e",)"
      R"("io.modelcontextprotocol/serverInfo":{"name":"bench-bare-http","title":"cpp-httplib alone","version":"0.1.0"}},)"
      R"("content":[{"text":"{\"message\":\"hello\"}","type":"text"}],"resultType":"complete",)"
      R"("structuredContent":{"message":"hello"}}})";
  httplib::Server server;
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(100000);
  server.Post("/mcp", [&](const httplib::Request&, httplib::Response& res) { res.set_content(body, "application/json"); });
  return server.listen("127.0.0.1", std::atoi(argv[1])) ? 0 : 1;
}
