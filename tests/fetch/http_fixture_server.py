#!/usr/bin/env python3
"""HTTP fixture for the fetch tests: serves one directory on a loopback ephemeral port.

Prints the chosen port on the first line of stdout, then serves until killed.
Standard library only.

  --root DIR             directory to serve (required)
  --log FILE             append one line per request: "GET /path range=bytes=N-" (or range=-)
  --drop-after BYTES     on a file's first --drop-count GETs, send this many body bytes, then
                         drop the connection without finishing the response
  --drop-count N         how many GETs of each file are dropped (default 1)
  --stall-after BYTES    send this many body bytes of every file, then send nothing more
  --slow BYTES_PER_SEC   throttle every body to this rate
  --no-range             ignore Range headers: always answer 200 with the whole file
"""
import argparse
import http.server
import os
import socket
import socketserver
import sys
import threading
import time
import urllib.parse

CHUNK = 64 * 1024


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--root", required=True)
    p.add_argument("--log")
    p.add_argument("--drop-after", type=int)
    p.add_argument("--drop-count", type=int, default=1)
    p.add_argument("--stall-after", type=int)
    p.add_argument("--slow", type=int)
    p.add_argument("--no-range", action="store_true")
    return p.parse_args()


ARGS = parse_args()
ROOT = os.path.realpath(ARGS.root)
LOCK = threading.Lock()
GETS = {}  # path -> number of GETs seen


def log(line):
    if not ARGS.log:
        return
    with LOCK, open(ARGS.log, "a") as f:
        f.write(line + "\n")
        f.flush()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else each response waits out a delayed ACK (~40 ms)

    def log_message(self, *args):  # keep the test output clean
        pass

    def do_HEAD(self):
        self.serve_quietly(False)

    def do_GET(self):
        self.serve_quietly(True)

    def serve_quietly(self, with_body):
        try:
            self.serve(with_body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client hung up (cancelled, timed out): fine

    def serve(self, with_body):
        rng = self.headers.get("Range")
        rel = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path).lstrip("/")
        log("%s /%s range=%s" % (self.command, rel, rng or "-"))
        full = os.path.realpath(os.path.join(ROOT, rel))
        if not (full == ROOT or full.startswith(ROOT + os.sep)) or not os.path.isfile(full):
            self.send_error(404)
            return
        with LOCK:
            GETS[rel] = GETS.get(rel, 0) + (1 if with_body else 0)
            nth = GETS[rel]
        size = os.path.getsize(full)
        start, status = 0, 200
        if rng and not ARGS.no_range and rng.startswith("bytes=") and rng.endswith("-"):
            start = int(rng[len("bytes="):-1])
            if start >= size:
                self.send_response(416)
                self.send_header("Content-Range", "bytes */%d" % size)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            status = 206
        self.send_response(status)
        self.send_header("Content-Length", str(size - start))
        if not ARGS.no_range:
            self.send_header("Accept-Ranges", "bytes")
        if status == 206:
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, size - 1, size))
        self.end_headers()
        if not with_body:
            return
        limit = size - start
        drop = ARGS.drop_after is not None and nth <= ARGS.drop_count
        if drop:
            limit = min(limit, ARGS.drop_after)
        if ARGS.stall_after is not None:
            limit = min(limit, ARGS.stall_after)
        sent = 0
        with open(full, "rb") as f:
            f.seek(start)
            while sent < limit:
                n = min(CHUNK, limit - sent)
                if ARGS.slow:
                    n = min(n, max(1, ARGS.slow // 20))
                data = f.read(n)
                if not data:
                    break
                self.wfile.write(data)
                self.wfile.flush()
                sent += len(data)
                if ARGS.slow:
                    time.sleep(len(data) / ARGS.slow)
        if drop and sent < size - start:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if ARGS.stall_after is not None and sent < size - start:
            while True:  # hold the connection open, silent, until the client gives up
                try:
                    if not self.connection.recv(1):
                        return
                except OSError:
                    return


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    server = Server(("127.0.0.1", 0), Handler)
    sys.stdout.write("%d\n" % server.server_address[1])
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
