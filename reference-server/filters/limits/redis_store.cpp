#include <hiredis.h>

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
  RedisStore(redisContext* ctx, std::string address) : ctx_(ctx), address_(std::move(address)) {}
  ~RedisStore() override { redisFree(ctx_); }

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

  // Sent without waiting for the answer (read before the next command's): counting
  // costs the call a write(2), not a round trip. Redis applies it on arrival, so a
  // read through any replica afterwards sees it.
  Status add_execution(const std::string& key, const std::string& tool) override {
    const char* argv[] = {"HINCRBY", key.c_str(), tool.c_str(), "1"};
    const size_t lengths[] = {7, key.size(), tool.size(), 1};
    std::lock_guard<std::mutex> lock(mutex_);
    if (ctx_->err) reconnect();
    if (unread_replies_ >= kMaxUnreadReplies) drain_unread();
    int written = 0;
    if (redisAppendCommandArgv(ctx_, 4, argv, lengths) != REDIS_OK) return unavailable("redis " + address_ + ": " + ctx_->errstr);
    while (!written) {
      if (redisBufferWrite(ctx_, &written) != REDIS_OK) {
        std::string why = ctx_->errstr;
        reconnect();
        return unavailable("redis " + address_ + ": " + why);
      }
    }
    ++unread_replies_;
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
  // Owns one reply; copying is not needed.
  struct Reply {
    std::shared_ptr<redisReply> owned;
    redisReply** element = nullptr;
  };

  StatusOr<Reply> eval(const char* script, const std::string& key, const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"EVAL", script, "1", key};
    argv.insert(argv.end(), args.begin(), args.end());
    ASSIGN_OR_RETURN(std::shared_ptr<redisReply> reply, command(argv));
    if (reply->type == REDIS_REPLY_ERROR) return internal_error("redis script error: " + std::string(reply->str));
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 3) return internal_error("unexpected redis reply");
    return Reply{reply, reply->element};
  }

  // One command on the shared connection, reconnecting after a failure.
  StatusOr<std::shared_ptr<redisReply>> command(const std::vector<std::string>& argv) {
    std::vector<const char*> pointers;
    std::vector<size_t> lengths;
    for (const std::string& a : argv) {
      pointers.push_back(a.data());
      lengths.push_back(a.size());
    }
    std::lock_guard<std::mutex> lock(mutex_);
    if (ctx_->err) reconnect();
    drain_unread();
    auto* raw = static_cast<redisReply*>(redisCommandArgv(ctx_, static_cast<int>(argv.size()), pointers.data(), lengths.data()));
    if (!raw) {
      std::string why = ctx_->errstr;
      reconnect();
      return unavailable("redis " + address_ + ": " + why);
    }
    return std::shared_ptr<redisReply>(raw, [](redisReply* r) { freeReplyObject(r); });
  }

  // Reads the answers to counts sent earlier (called with mutex_ held).
  void drain_unread() {
    for (; unread_replies_ > 0; --unread_replies_) {
      void* unread = nullptr;
      if (redisGetReply(ctx_, &unread) != REDIS_OK) break;  // the connection failed: the next command reconnects
      freeReplyObject(unread);
    }
  }

  void reconnect() {
    unread_replies_ = 0;   // a new connection owes no answers
    redisReconnect(ctx_);  // best effort; the next call reports if it failed
  }

  std::mutex mutex_;
  std::size_t unread_replies_ = 0;
  static constexpr std::size_t kMaxUnreadReplies = 1024;  // a caller that only counts still reads them
  redisContext* ctx_;
  std::string address_;
};

}  // namespace

StatusOr<std::unique_ptr<LimitStore>> make_redis_store(const std::string& address) {
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
  redisContext* ctx = redisConnectWithTimeout(host.c_str(), port, timeout);
  if (!ctx || ctx->err) {
    std::string why = ctx ? ctx->errstr : "out of memory";
    if (ctx) redisFree(ctx);
    return unavailable("cannot connect to redis at " + address + ": " + why);
  }
  redisSetTimeout(ctx, timeout);
  return std::unique_ptr<LimitStore>(std::make_unique<RedisStore>(ctx, address));
}

}  // namespace mcp::server
