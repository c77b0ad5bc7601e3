#!/usr/bin/env python3
"""Servers that attack the harness (tests/integration/hostile_server_test.cpp).

stdio modes read JSON-RPC lines on stdin and answer on stdout:
  deep-init             answers initialize with a result nested 200,000 levels deep
  long-tool-name        a correct server whose only tool has a 100,000-character name
  notification-flood    sends 200,000 legal notifications, then the initialize response
  string-ids            a correct server, except that every response's id is a string ("1" for 1)
HTTP modes listen on 127.0.0.1:PORT and answer every request the same way:
  trickle-headers       a status line, then one header byte every 0.5 s, for ever
  header-flood          a status line, then headers without end
  sse-flood             an SSE response of tiny events without end
"""
import json
import socket
import sys
import threading
import time


def stdio(mode):
    for line in sys.stdin:
        try:
            message = json.loads(line)
        except ValueError:
            continue
        if "id" not in message or "method" not in message:
            continue
        method, rid = message["method"], message["id"]
        if method == "initialize":
            version = message.get("params", {}).get("protocolVersion", "2025-11-25")
            if mode == "deep-init":
                sys.stdout.write('{"jsonrpc":"2.0","id":%s,"result":%s%s}\n' % (json.dumps(rid), "[" * 200000, "]" * 200000))
                sys.stdout.flush()
                continue
            if mode == "notification-flood":
                note = '{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"x"}}\n'
                block = note * 10000
                for _ in range(20):
                    sys.stdout.write(block)
            result = {"protocolVersion": version, "capabilities": {"tools": {}},
                      "serverInfo": {"name": "hostile", "version": "1"}}
            answer = {"jsonrpc": "2.0", "id": rid, "result": result}
        elif method == "tools/list":
            tool = {"name": "a" * 100000 + "_v1", "inputSchema": {"type": "object"}}
            answer = {"jsonrpc": "2.0", "id": rid, "result": {"tools": [tool]}}
        elif method == "ping":
            answer = {"jsonrpc": "2.0", "id": rid, "result": {}}
        else:
            answer = {"jsonrpc": "2.0", "id": rid, "error": {"code": -32601, "message": "Method not found"}}
        if mode == "string-ids":
            answer["id"] = str(rid)
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


def serve_connection(connection, mode):
    try:
        connection.recv(65536)
        if mode == "trickle-headers":
            connection.sendall(b"HTTP/1.1 200 OK\r\n")
            while True:
                time.sleep(0.5)
                connection.sendall(b"X")
        elif mode == "header-flood":
            connection.sendall(b"HTTP/1.1 200 OK\r\n")
            chunk = b"X-Flood: yyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\r\n" * 1000
            while True:
                connection.sendall(chunk)
        elif mode == "sse-flood":
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n")
            chunk = b"data: {}\n\n" * 5000
            while True:
                connection.sendall(chunk)
    except OSError:
        pass
    finally:
        connection.close()


def http(mode, port):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(64)
    while True:
        connection, _ = listener.accept()
        threading.Thread(target=serve_connection, args=(connection, mode), daemon=True).start()


if __name__ == "__main__":
    if len(sys.argv) == 3:
        http(sys.argv[1], int(sys.argv[2]))
    else:
        stdio(sys.argv[1])
