#!/usr/bin/env python3
"""Loopback webhook receiver for the alert tests.

Listens on 127.0.0.1 on an ephemeral port and prints the port on the first line of stdout.
Answers the first --fail POSTs with 503 and every later one with 200. Appends one JSON line
per POST to --log: {"n": N, "status": code, "authorization": header or null, "body": parsed
JSON body}. Exits by itself after --lifetime seconds (default 120) or when killed.
Standard library only.
"""
import argparse
import http.server
import json
import sys
import threading
import time

p = argparse.ArgumentParser()
p.add_argument("--log", required=True)
p.add_argument("--fail", type=int, default=0)
p.add_argument("--lifetime", type=float, default=120.0)
ARGS = p.parse_args()
LOCK = threading.Lock()
COUNT = [0]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        with LOCK:
            COUNT[0] += 1
            n = COUNT[0]
            status = 503 if n <= ARGS.fail else 200
            try:
                parsed = json.loads(body)
            except ValueError:
                parsed = None
            with open(ARGS.log, "a") as f:
                f.write(json.dumps({"n": n, "status": status,
                                    "authorization": self.headers.get("Authorization"),
                                    "content_type": self.headers.get("Content-Type"),
                                    "body": parsed}) + "\n")
        reply = b"try again later\n" if status != 200 else b"ok\n"
        self.send_response(status)
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
time.sleep(ARGS.lifetime)
server.shutdown()
sys.exit(0)
