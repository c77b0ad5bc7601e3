#!/usr/bin/env bash
# The deployment recipe of docs/deployment.md, run end to end on loopback:
#   PostgreSQL and Redis from Debian packages (own data directories, own ports),
#   three mcp-reference-server replicas on them, and haproxy in front (round robin,
#   sticky by Mcp-Session-Id for 2025-11-25 sessions, /readyz health checks).
# Then, through the balancer:
#   1. the harness's full run, on 2026-07-28 (stateless) and 2025-11-25 (sessions): 0 failures;
#   2. runaway: the replicas share one budget per run (Redis), as one server would;
#   3. load: throughput through the balancer beside one replica on its own;
#   4. the drill (tests/replicas/replica_drill.cpp): a replica is killed during
#      idempotent writes (every write succeeds, and PostgreSQL holds exactly one
#      invoice per key), and a task started on a replica that is then killed is
#      completed by another and read through the balancer.
# Everything started is stopped at the end. Reports go to replicas-reports/.
# Exit status: 0 all held; 1 something did not.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${BUILD_DIR:-$root/build}/bin"
out="$root/replicas-reports"
work="$(mktemp -d /tmp/mcp-replicas.XXXXXX)"
mkdir -p "$out"
replica_count=3
pids=()

say() { printf '\n== %s\n' "$*"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# PostgreSQL refuses to run as root: as root, its programs run as the postgres user.
pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
for tool in "$pg_bin/initdb" /usr/bin/redis-server /usr/sbin/haproxy; do
  [ -x "$tool" ] || { echo "replicas: $tool is missing (ci/install-deps.sh installs postgresql, redis-server, haproxy)" >&2; exit 1; }
done

pg_port=$(free_port); redis_port=$(free_port); lb_port=$(free_port); lb_one_port=$(free_port)
replica_ports=(); for i in $(seq 1 $replica_count); do replica_ports+=("$(free_port)"); done
db="postgresql://mcp@127.0.0.1:$pg_port/postgres"
# One key for every replica: input-required state sealed by one opens on the others.
export MCP_REQUEST_STATE_KEY="replicas-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
lb="http://127.0.0.1:$lb_port/mcp"

cleanup() {
  set +e
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  [ -f "$work/haproxy.pid" ] && kill "$(cat "$work/haproxy.pid")" 2>/dev/null
  redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1
  [ -d "$work/pg" ] && as_postgres "$pg_bin/pg_ctl" -D "$work/pg" -m fast -w stop >/dev/null 2>&1
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

say "PostgreSQL on 127.0.0.1:$pg_port, Redis on 127.0.0.1:$redis_port"
[ "$(id -u)" = 0 ] && chown postgres "$work"
as_postgres "$pg_bin/initdb" -D "$work/pg" -A trust -U mcp -E UTF8 --no-sync >/dev/null
as_postgres "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w \
  -o "-p $pg_port -k $work -c listen_addresses=127.0.0.1 -c max_connections=100" start >/dev/null
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
  --logfile "$work/redis.log" --dir "$work"

replica_pids=()
start_replicas() {  # extra reference-server arguments
  for i in $(seq 0 $((replica_count - 1))); do
    "$bin/mcp-reference-server" --http --port "${replica_ports[$i]}" --db "$db" --redis "127.0.0.1:$redis_port" "$@" \
      >>"$work/replica$((i + 1)).log" 2>&1 &
    replica_pids[$i]=$!
    disown $!  # the drill kills replicas on purpose: no job-control notices
    pids+=($!)
  done
  for i in $(seq 0 $((replica_count - 1))); do
    for _ in $(seq 1 100); do
      curl -fs "http://127.0.0.1:${replica_ports[$i]}/readyz" >/dev/null && break
      sleep 0.1
    done
    curl -fs "http://127.0.0.1:${replica_ports[$i]}/readyz" >/dev/null ||
      { echo "replica $((i + 1)) is not ready:" >&2; tail -5 "$work/replica$((i + 1)).log" >&2; exit 1; }
  done
}
stop_replicas() {
  for pid in "${replica_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${replica_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}

say "haproxy on 127.0.0.1:$lb_port in front of $replica_count replicas (${replica_ports[*]})"
{
  cat <<EOF
global
  maxconn 2000
defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  # A replica that refuses the connection (it died) costs a retry on another, not an error.
  retries 2
  option redispatch
frontend mcp
  bind 127.0.0.1:$lb_port
  default_backend replicas
backend replicas
  balance roundrobin
  option httpchk GET /readyz
  http-check expect status 200
  # 2025-11-25 sessions live in the replica that created them: a session id sticks to it.
  stick-table type string len 128 size 100k expire 30m
  stick on req.hdr(mcp-session-id)
  stick store-response res.hdr(mcp-session-id)
EOF
  for i in $(seq 0 $((replica_count - 1))); do
    echo "  server r$((i + 1)) 127.0.0.1:${replica_ports[$i]} check inter 500ms fall 2 rise 2"
  done
  # For the load figures: the same balancer in front of one replica, to tell the
  # balancer's cost from what more replicas bring.
  cat <<EOF
frontend mcp_one
  bind 127.0.0.1:$lb_one_port
  default_backend one_replica
backend one_replica
  server r1 127.0.0.1:${replica_ports[0]}
EOF
} >"$work/haproxy.cfg"
haproxy -c -q -f "$work/haproxy.cfg"
haproxy -D -p "$work/haproxy.pid" -f "$work/haproxy.cfg"

start_replicas
status=0
fail() { echo "replicas: FAILED: $*" >&2; status=1; }

say "1. the harness's full run through the balancer"
for version in 2026-07-28 2025-11-25; do
  if "$bin/mcp-harness" run --url "$lb" --protocol-version "$version" --report-json "$out/run-$version.json" >"$out/run-$version.txt" 2>&1; then
    grep -E "^(PASSED|FAILED)|checks in" "$out/run-$version.txt" | sed 's/^/  /'
  else
    tail -20 "$out/run-$version.txt"; fail "the full run on $version"
  fi
done

say "2. runaway agents through the balancer: one budget across replicas"
if "$bin/mcp-harness" runaway --url "$lb" --duration 2000 --report-json "$out/runaway.json" >"$out/runaway.txt" 2>&1; then
  grep -E "^  [a-z-]+ +(pass|fail|skip)" "$out/runaway.txt"
else
  tail -30 "$out/runaway.txt"; fail "runaway"
fi
# Then a budget of 100 units per run and no rate limit to speak of: one agent's tight
# loop must be granted exactly 100 calls in all, wherever the balancer sends them
# (three replicas each keeping their own count would grant about 300).
budget=100
echo "{\"limits\": {\"budget\": {\"units\": $budget}, \"rate\": {\"per_second\": 100000, \"burst\": 100000}}}" >"$work/budget.json"
stop_replicas
start_replicas --config "$work/budget.json"
"$bin/mcp-harness" runaway --url "$lb" --scenario tight-loop --duration 2000 --report-json "$out/runaway-budget.json" \
  >"$out/runaway-budget.txt" 2>&1 || true
python3 - "$out/runaway-budget.json" "$budget" <<'EOF' || fail "one budget across replicas"
import json, sys
report, budget = json.load(open(sys.argv[1])), int(sys.argv[2])
loop = next(s for s in report["scenarios"] if s["name"] == "tight-loop")
accepted = sum(second["accepted"] for second in loop["timeline"])
print(f"  tight-loop: {accepted} calls granted against a budget of {budget} per run, across the replicas")
sys.exit(0 if accepted == budget else 1)
EOF

say "3. load: the balancer and three replicas beside one replica alone"
stop_replicas
start_replicas --config "$root/bench/load-config.json"
load() {  # name url
  "$bin/mcp-harness" load --url "$2" --connections 8 --duration "${LOAD_MS:-5000}" --quiet --report-json "$out/load-$1.json" >/dev/null 2>&1 ||
    fail "load through $1"
}
load balancer "$lb"
load balancer-one "http://127.0.0.1:$lb_one_port/mcp"
load one-replica "http://127.0.0.1:${replica_ports[0]}/mcp"
python3 - "$out/load-balancer.json" "$out/load-balancer-one.json" "$out/load-one-replica.json" <<'EOF'
import json, sys
names = ("3 replicas behind haproxy", "1 replica behind haproxy", "1 replica, direct")
rows = [(name, json.load(open(path))) for name, path in zip(names, sys.argv[1:])]
for name, r in rows:
    print(f"  {name:28} {r['per_second']:>8.0f} calls/s   p50 {r['p50_ms']:.3f} ms   p99 {r['p99_ms']:.3f} ms   failures {r['failures']}")
three, one = rows[0][1]["per_second"], rows[1][1]["per_second"]
print(f"  3 vs 1 replica through the balancer: {three / one:.2f}x (every process shares this machine's cores)")
EOF

say "4. the drill: a replica killed during writes, and a task handed over"
run_id="drill-$$"
"$bin/replica_drill" --url "$lb" --run "$run_id" --writes "${DRILL_WRITES:-300}" --writers 4 --kill-after 100 \
  --kill "kill -9 ${replica_pids[2]}" \
  --task-url "http://127.0.0.1:${replica_ports[0]}/mcp" --kill-task "kill -9 ${replica_pids[0]}" \
  >"$out/drill.json" 2>"$out/drill.err" || fail "the drill (see $out/drill.json)"
counts=$(psql -X -A -t "$db" -c "SELECT count(*), count(DISTINCT total_cents) FROM invoices WHERE customer = '$run_id'")
records=$(psql -X -A -t "$db" -c "SELECT count(*) FROM idempotency_records WHERE key LIKE '$run_id-%'")
python3 - "$out/drill.json" "$counts" "$records" "${DRILL_WRITES:-300}" <<'EOF' || status=1
import json, sys
report = json.load(open(sys.argv[1]))
rows, distinct = (int(x) for x in sys.argv[2].split("|"))
records, asked = int(sys.argv[3]), int(sys.argv[4])
w, h = report["writes"], report.get("handover", {})
print(f"  writes: {w['succeeded']}/{w['asked']} succeeded, {w['retries']} retried, {w['replayed']} answered as replays, "
      f"replica killed: {w['replica_killed']}")
print(f"  PostgreSQL: {rows} invoices for {distinct} distinct writes, {records} idempotency records")
print(f"  task {h.get('task_id', '?')}: {h.get('status', '?')} {h.get('seconds_after_kill', 0):.1f} s after its replica was killed")
lost, duplicated = asked - distinct, rows - distinct
print(f"  lost writes: {lost}, duplicated writes: {duplicated}")
sys.exit(0 if report["ok"] and lost == 0 and duplicated == 0 and records == asked else 1)
EOF

say "replicas: $([ $status = 0 ] && echo "all held" || echo "FAILED") (reports in $out)"
exit $status
