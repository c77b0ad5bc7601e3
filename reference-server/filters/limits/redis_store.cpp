#include <hiredis.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "reference-server/filters/limits/limit_store.h"

namespace mcp::server {

namespace {

// KEYS[1] bucket; ARGV rate, burst, cost. Redis's own clock, so replicas agree.
constexpr const char* kTakeScript = R"lua(
local rate, burst, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or burst
local ts = tonumber(state[2]) or now
tokens = math.min(burst, tokens + (now - ts) * rate)
local allowed, retry = 0, 0
if tokens >= cost then tokens = tokens - cost; allowed = 1 else retry = (cost - tokens) / rate end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 60000)
return {allowed, tostring(tokens), tostring(retry)}
)lua";

// KEYS[1] window prefix; ARGV cost, limit, window seconds.
constexpr const char* kSpendScript = R"lua(
local cost, limit, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local start = math.floor(now) - (math.floor(now) % window)
local key = KEYS[1] .. ':' .. start
local used = tonumber(redis.call('GET', key) or '0')
local retry = tostring(start + window - now)
if used + cost > limit then return {0, used, retry} end
used = redis.call('INCRBY', key, cost)
redis.call('EXPIRE', key, window + 60)
return {1, used, retry}
)lua";

class RedisStore final : public LimitStore {
 public:
  RedisStore(std::vector<redisContext*> contexts, std::string address) : address_(std::move(address)) {
    for (redisContext* ctx : contexts) connections_.push_back(std::make_unique<Connection>(ctx));
  }

  StatusOr<BucketDecision> take(const std::string& key, double per_second, double burst, double cost) override {
    std::vector<std::string> args = {std::to_string(per_second), std::to_string(burst), std::to_string(cost)};
    ASSIGN_OR_RETURN(Reply reply, eval(kTakeScript, key, args));
    BucketDecision d;
    d.allowed = reply.element[0]->integer == 1;
    d.remaining = std::stod(reply.element[1]->str);
    d.retry_after_seconds = std::stod(reply.element[2]->str);
    return d;
  }

  StatusOr<WindowDecision> spend(const std::string& key, long long cost, long long limit, long long window_seconds) override {
    std::vector<std::string> args = {std::to_string(cost), std::to_string(limit), std::to_string(window_seconds)};
    ASSIGN_OR_RETURN(Reply reply, eval(kSpendScript, key, args));
    WindowDecision d;
    d.allowed = reply.element[0]->integer == 1;
    d.used = reply.element[1]->integer;
    d.retry_after_seconds = std::stod(reply.element[2]->str);
    return d;
  }

  std::string describe() const override { return "redis " + address_; }
  bool shared() const override { return true; }

  // Sent without waiting for the answer (read before that connection's next command):
  // counting costs the call a write(2), not a round trip. Redis applies it on arrival,
  // so a read through any replica afterwards sees it.
  Status add_execution(const std::string& key, const std::string& tool) override {
    const char* argv[] = {"HINCRBY", key.c_str(), tool.c_str(), "1"};
    const size_t lengths[] = {7, key.size(), tool.size(), 1};
    Connection* conn = nullptr;
    std::unique_lock<std::mutex> lock = lease(conn);
    ensure_connected(*conn);
    if (conn->unread_replies >= kMaxUnreadReplies) drain_unread(*conn);
    if (redisAppendCommandArgv(conn->ctx, 4, argv, lengths) != REDIS_OK) return failed(*conn);
    for (int written = 0; !written;) {
      if (redisBufferWrite(conn->ctx, &written) != REDIS_OK) return failed(*conn);
    }
    ++conn->unread_replies;
    return ok_status();
  }

  StatusOr<std::map<std::string, long long>> executions(const std::string& key) override {
    ASSIGN_OR_RETURN(auto reply, command({"HGETALL", key}));
    std::map<std::string, long long> counts;
    if (reply->type != REDIS_REPLY_ARRAY) return internal_error("unexpected redis reply to HGETALL");
    for (std::size_t i = 0; i + 1 < reply->elements; i += 2) {
      counts[reply->element[i]->str] = std::atoll(reply->element[i + 1]->str);
    }
    return counts;
  }

  Status ping() override {
    auto reply = command({"PING"});
    if (!reply.ok()) return reply.status();
    return (*reply)->type == REDIS_REPLY_STATUS ? ok_status() : unavailable("redis " + address_ + " did not answer PING");
  }

 private:
  // One connection of the pool: a command holds it for one round trip.
  struct Connection {
    explicit Connection(redisContext* c) : ctx(c) {}
    ~Connection() { redisFree(ctx); }
    std::mutex mutex;
    redisContext* ctx;
    std::size_t unread_replies = 0;  // answers to counts sent without waiting
    unsigned epoch = 0;              // failures_ when it last connected
  };

  // Owns one reply; copying is not needed.
  struct Reply {
    std::shared_ptr<redisReply> owned;
    redisReply** element = nullptr;
  };

  // A free connection if there is one, else the next in turn (waiting for it).
  std::unique_lock<std::mutex> lease(Connection*& out) {
    std::size_t first = next_.fetch_add(1, std::memory_order_relaxed);
    for (std::size_t i = 0; i < connections_.size(); ++i) {
      Connection& candidate = *connections_[(first + i) % connections_.size()];
      std::unique_lock<std::mutex> lock(candidate.mutex, std::try_to_lock);
      if (lock.owns_lock()) {
        out = &candidate;
        return lock;
      }
    }
    out = connections_[first % connections_.size()].get();
    return std::unique_lock<std::mutex>(out->mutex);
  }

  StatusOr<Reply> eval(const char* script, const std::string& key, const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"EVAL", script, "1", key};
    argv.insert(argv.end(), args.begin(), args.end());
    ASSIGN_OR_RETURN(std::shared_ptr<redisReply> reply, command(argv));
    if (reply->type == REDIS_REPLY_ERROR) return internal_error("redis script error: " + std::string(reply->str));
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 3) return internal_error("unexpected redis reply");
    return Reply{reply, reply->element};
  }

  // One command on a pooled connection, reconnecting after a failure.
  StatusOr<std::shared_ptr<redisReply>> command(const std::vector<std::string>& argv) {
    std::vector<const char*> pointers;
    std::vector<size_t> lengths;
    for (const std::string& a : argv) {
      pointers.push_back(a.data());
      lengths.push_back(a.size());
    }
    Connection* conn = nullptr;
    std::unique_lock<std::mutex> lock = lease(conn);
    ensure_connected(*conn);
    drain_unread(*conn);
    auto* raw = static_cast<redisReply*>(redisCommandArgv(conn->ctx, static_cast<int>(argv.size()), pointers.data(), lengths.data()));
    if (!raw) return failed(*conn);
    return std::shared_ptr<redisReply>(raw, [](redisReply* r) { freeReplyObject(r); });
  }

  // Reads the answers to counts sent earlier (with the connection held).
  static void drain_unread(Connection& conn) {
    for (; conn.unread_replies > 0; --conn.unread_replies) {
      void* unread = nullptr;
      if (redisGetReply(conn.ctx, &unread) != REDIS_OK) break;  // the connection failed: the next command reconnects
      freeReplyObject(unread);
    }
  }

  // A connection that failed, or that has not reconnected since another one failed
  // (a Redis restart breaks them all, though each learns it only when used),
  // reconnects before its next command.
  void ensure_connected(Connection& conn) {
    unsigned epoch = failures_.load();
    if (!conn.ctx->err && conn.epoch == epoch) return;
    conn.unread_replies = 0;   // a new connection owes no answers
    redisReconnect(conn.ctx);  // best effort; the command reports if it failed
    conn.epoch = epoch;
  }

  Status failed(Connection& conn) {
    std::string why = conn.ctx->errstr;
    ++failures_;
    ensure_connected(conn);
    return unavailable("redis " + address_ + ": " + why);
  }

  static constexpr std::size_t kMaxUnreadReplies = 1024;  // a caller that only counts still reads them
  std::vector<std::unique_ptr<Connection>> connections_;
  std::atomic<std::size_t> next_{0};
  std::atomic<unsigned> failures_{0};
  std::string address_;
};

}  // namespace

StatusOr<std::unique_ptr<LimitStore>> make_redis_store(const std::string& address, int connections) {
  if (connections < 1 || connections > 64) return invalid_argument("limits.redis_connections must be 1..64");
  auto colon = address.rfind(':');
  if (colon == std::string::npos) return invalid_argument("redis address must be host:port, got " + address);
  std::string host = address.substr(0, colon);
  int port = 0;
  try {
    port = std::stoi(address.substr(colon + 1));
  } catch (const std::exception&) {
    return invalid_argument("bad redis port in " + address);
  }
  timeval timeout{2, 0};
  std::vector<redisContext*> contexts;
  for (int i = 0; i < connections; ++i) {
    redisContext* ctx = redisConnectWithTimeout(host.c_str(), port, timeout);
    if (!ctx || ctx->err) {
      std::string why = ctx ? ctx->errstr : "out of memory";
      if (ctx) redisFree(ctx);
      for (redisContext* opened : contexts) redisFree(opened);
      return unavailable("cannot connect to redis at " + address + ": " + why);
    }
    redisSetTimeout(ctx, timeout);
    contexts.push_back(ctx);
  }
  return std::unique_ptr<LimitStore>(std::make_unique<RedisStore>(std::move(contexts), address));
}

}  // namespace mcp::server
