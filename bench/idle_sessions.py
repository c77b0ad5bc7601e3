#!/usr/bin/env python3
"""Memory cost of idle Streamable HTTP sessions: opens N sessions (initialize +
notifications/initialized, then nothing) against a running server and prints the
server's RSS before and after, and the cost per session.

usage: idle_sessions.py URL PID [N]
"""
import http.client
import json
import sys
import time
import urllib.parse


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise SystemExit(f"no VmRSS for pid {pid}")


def main():
    url, pid = sys.argv[1], int(sys.argv[2])
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    target = urllib.parse.urlparse(url)
    connection = http.client.HTTPConnection(target.hostname, target.port, timeout=10)
    headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
    initialize = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
                  "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                             "clientInfo": {"name": "idle-sessions", "version": "1"}}}

    def post(body, extra=None):
        connection.request("POST", target.path, json.dumps(body), {**headers, **(extra or {})})
        response = connection.getresponse()
        response.read()
        return response

    # One session first, so that lazily built state (caches, pools) is not counted per session.
    post(initialize)
    time.sleep(0.5)
    before = rss_kb(pid)
    sessions = 0
    for _ in range(count):
        response = post(initialize)
        session = response.getheader("Mcp-Session-Id")
        if response.status != 200 or not session:
            raise SystemExit(f"initialize answered {response.status} without a session id after {sessions} sessions")
        post({"jsonrpc": "2.0", "method": "notifications/initialized"},
             {"Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-06-18"})
        sessions += 1
    time.sleep(1.0)
    after = rss_kb(pid)
    print(json.dumps({"sessions": sessions, "rss_before_mb": before / 1024, "rss_after_mb": after / 1024,
                      "cost_mb": (after - before) / 1024, "kb_per_session": (after - before) / sessions}))


if __name__ == "__main__":
    main()
