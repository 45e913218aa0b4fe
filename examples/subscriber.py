#!/usr/bin/python3
"""A gap-free distsync event subscriber in Python (Debian's python3-zmq).

It does what tools/client/event_stream.h does (docs/events.md, "Subscribing without gaps"):
subscribe to the bus first, catch up from a checkpoint over the control endpoint with
"events.read", then follow the bus, dropping duplicates and filling any seq gap (a slow
subscriber's messages dropped at the high-water mark) over control before going on.

Usage:
  subscriber.py --control ipc://VAR/run/CONSOLE.control [--bus ENDPOINT] [--from SEQ]
                [--checkpoint FILE] [--count N] [--idle-exit SECONDS] [--rcvhwm N]

Prints one event JSON per line on stdout, in seq order, each exactly once. With --checkpoint
the last printed seq is kept in FILE, so a restarted subscriber resumes where it stopped.
Exits 0 after --count events or after --idle-exit quiet seconds, 1 on an error (one line on
stderr).
"""
import argparse
import json
import os
import sys

import zmq

TAG = b"DSYNC1"


class Control:
    """One DEALER connection to the control endpoint (docs/protocol.md)."""

    def __init__(self, ctx, endpoint, timeout_ms=5000):
        self.sock = ctx.socket(zmq.DEALER)
        self.sock.setsockopt(zmq.LINGER, 0)
        self.sock.connect(endpoint)
        self.endpoint = endpoint
        self.timeout_ms = timeout_ms
        self.next_id = 0

    def call(self, op, args=None):
        self.next_id += 1
        body = {"op": op, "args": args or {}, "id": self.next_id}
        self.sock.send_multipart([TAG, json.dumps(body).encode()])
        while True:
            if not self.sock.poll(self.timeout_ms):
                raise RuntimeError("no reply from distsyncd at %s; is it running?" % self.endpoint)
            frames = self.sock.recv_multipart()
            reply = json.loads(frames[-1])
            if reply.get("id") != self.next_id:
                continue  # a late reply to an earlier call
            if not reply.get("ok"):
                raise RuntimeError(reply["error"]["message"])
            return reply["result"]


class Subscriber:
    def __init__(self, control, bus_endpoint, last_seq, page=1000, rcvhwm=None, rcvbuf=None):
        self.control = control
        self.last = last_seq  # the last seq delivered
        self.head = 0  # the head as last seen
        self.page = page
        self.gaps_filled = 0  # seq jumps seen on the bus
        self.bus_messages = 0  # messages received on the bus (dropped ones never arrive)
        self.fetched = 0  # events read over control
        self.pending = []
        self.bus = control.sock.context.socket(zmq.SUB)
        self.bus.setsockopt(zmq.LINGER, 0)
        self.bus.setsockopt(zmq.SUBSCRIBE, b"")
        if rcvhwm is not None:
            self.bus.setsockopt(zmq.RCVHWM, rcvhwm)
        if rcvbuf is not None:
            self.bus.setsockopt(zmq.RCVBUF, rcvbuf)
        # Subscribe before reading history: nothing appended from now on can be missed.
        self.bus.connect(bus_endpoint)
        self.refresh_head()

    def refresh_head(self):
        self.head = max(self.head, self.control.call("events.head")["last_seq"])

    def fetch(self):
        """Reads (last, head] over control, one page at a time."""
        reply = self.control.call(
            "events.read", {"from": self.last + 1, "to": self.head, "limit": self.page})
        expect = self.last + 1
        for event in reply["events"]:
            if event["seq"] != expect:
                raise RuntimeError("events.read returned seq %d where %d was expected"
                                   % (event["seq"], expect))
            expect += 1
            self.fetched += 1
            self.pending.append(event)
        if not self.pending:
            raise RuntimeError("no events from seq %d though the head is %d" % (self.last + 1, self.head))

    def next(self, timeout_ms, idle_check_ms=500):
        """The next event in seq order, or None when none arrived within timeout_ms."""
        waited = 0
        while True:
            if self.pending:
                event = self.pending.pop(0)
                self.last = event["seq"]
                return event
            if self.head > self.last:
                self.fetch()
                continue
            if waited >= timeout_ms:
                return None
            wait = min(idle_check_ms, timeout_ms - waited)
            if not self.bus.poll(wait):
                waited += wait
                self.refresh_head()  # a message lost at the very end is found this way
                continue
            _topic, seq_text, body = self.bus.recv_multipart()
            self.bus_messages += 1
            seq = int(seq_text)
            self.head = max(self.head, seq)
            if seq <= self.last:
                continue  # a duplicate: already delivered from history
            if seq > self.last + 1:
                self.gaps_filled += 1  # dropped at the high-water mark: fill over control
                continue
            event = json.loads(body)
            self.last = seq
            return event


def main():
    parser = argparse.ArgumentParser(description="gap-free distsync event subscriber")
    parser.add_argument("--control", required=True, help="control endpoint, e.g. ipc://var/run/east.control")
    parser.add_argument("--bus", help="bus endpoint (default: from the daemon's status)")
    parser.add_argument("--from", dest="from_seq", type=int, default=1, help="first seq (default 1)")
    parser.add_argument("--checkpoint", help="file holding the last delivered seq")
    parser.add_argument("--count", type=int, default=0, help="exit after N events")
    parser.add_argument("--idle-exit", type=float, default=0, help="exit after this many quiet seconds")
    parser.add_argument("--rcvhwm", type=int, help="bus receive high-water mark (tests: force drops)")
    parser.add_argument("--rcvbuf", type=int, help="bus kernel receive buffer in bytes")
    parser.add_argument("--stats-to", help="on exit, write bus/control counts as JSON to this file")
    args = parser.parse_args()

    ctx = zmq.Context()
    try:
        control = Control(ctx, args.control)
        bus = args.bus or control.call("status")["bus_endpoint"]
        last = args.from_seq - 1
        if args.checkpoint and os.path.exists(args.checkpoint):
            with open(args.checkpoint) as f:
                last = int(f.read().strip() or 0)
        sub = Subscriber(control, bus, last, rcvhwm=args.rcvhwm, rcvbuf=args.rcvbuf)
        delivered = 0
        while args.count == 0 or delivered < args.count:
            timeout = int(args.idle_exit * 1000) if args.idle_exit else 3600 * 1000
            event = sub.next(timeout)
            if event is None:
                if args.idle_exit:
                    break
                continue
            sys.stdout.write(json.dumps(event, separators=(",", ":")) + "\n")
            sys.stdout.flush()
            delivered += 1
            if args.checkpoint:
                tmp = args.checkpoint + ".tmp"
                with open(tmp, "w") as f:
                    f.write("%d\n" % sub.last)
                os.replace(tmp, args.checkpoint)
        if args.stats_to:
            with open(args.stats_to, "w") as f:
                json.dump({"bus_messages": sub.bus_messages, "gaps": sub.gaps_filled,
                           "fetched": sub.fetched, "last": sub.last}, f)
    except (RuntimeError, zmq.ZMQError, ValueError, KeyError) as e:
        sys.stderr.write("subscriber: %s\n" % e)
        return 1
    finally:
        ctx.destroy(linger=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
