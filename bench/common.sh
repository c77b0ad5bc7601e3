# Helpers shared by the bench/ scripts (sourced, not run).

# A value from a JSON report: get FILE EXPR, EXPR a Python expression over the
# report's top-level keys (a key name, or e.g. "calls / seconds").
get() { python3 -c "import json, sys; r = json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, r))" "$1" "$2"; }

# Waits up to 5 s for something to listen on 127.0.0.1:PORT.
wait_port() { for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done; return 1; }

# Resident memory of process PID, in MB.
rss_mb() { awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
