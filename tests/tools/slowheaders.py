#!/usr/bin/env python3
"""Test tool: slow-header and slow-body clients against 'skydd serve' on loopback.

Usage: slowheaders.py PORT PER_IP MAX_CONNS HEAD_S BODY_S

Phase A: PER_IP + 4 connections from 127.0.0.2 start a request head and
trickle it, one byte every 0.3 s; /healthz is fetched from 127.0.0.1.
Phase B: more trickling connections from 127.0.0.3, .4, ... until MAX_CONNS
are open, plus 4 more; /healthz from 127.0.0.1 again (it must wait for a
free slot: the global cap) while every slow socket keeps trickling. One
more connection sends a complete head announcing a body and trickles the
body. Runs at most HEAD_S + BODY_S + 6 seconds and prints:

  kept_per_ip N      connections from 127.0.0.2 still open after 0.5 s
  healthz_ms N       /healthz answer time in phase A (-1: none)
  healthz_full_ms N  /healthz answer time in phase B (-1: none)
  cut_max_ms N       longest a trickling head connection stayed open (-1: one never closed)
  body_cut_ms N      how long the trickling body connection stayed open (-1: never closed)
"""
import socket
import sys
import time

TICK = 0.3


def now_ms():
    return int(time.monotonic() * 1000)


class Slow:
    def __init__(self, port, src, first):
        self.s = socket.socket()
        self.s.bind((src, 0))
        self.s.settimeout(2)
        self.s.connect(("127.0.0.1", port))
        self.s.setblocking(False)
        self.opened = now_ms()
        self.closed = None
        self.send(first)

    def send(self, data):
        if self.closed is not None:
            return
        try:
            self.s.send(data)
        except (BlockingIOError, InterruptedError):
            pass
        except OSError:
            self.closed = now_ms()

    def poll(self):
        if self.closed is not None:
            return
        try:
            if self.s.recv(4096) == b"":
                self.closed = now_ms()
        except (BlockingIOError, InterruptedError):
            pass
        except OSError:
            self.closed = now_ms()


def healthz(port, limit_s):
    """Milliseconds until /healthz answers 200 from 127.0.0.1, or -1."""
    start = now_ms()
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=limit_s)
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        data = b""
        while b"\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        s.close()
        if data.startswith(b"HTTP/1.1 200"):
            return now_ms() - start
    except OSError:
        pass
    return -1


def main():
    port, per_ip, max_conns, head_s, body_s = (int(a) for a in sys.argv[1:6])
    head = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
    slow = []

    def tick(conns):
        for c in conns:
            c.poll()
            c.send(b"a")

    # Phase A: one address over its cap.
    a = [Slow(port, "127.0.0.2", head) for _ in range(per_ip + 4)]
    slow += a
    end = time.monotonic() + 0.5
    while time.monotonic() < end:
        tick(slow)
        time.sleep(0.1)
    print("kept_per_ip", sum(1 for c in a if c.closed is None))
    print("healthz_ms", healthz(port, 2))

    # Phase B: the global cap, from more addresses.
    host = 3
    while len([c for c in slow if c.closed is None]) < max_conns and host < 250:
        for _ in range(per_ip):
            try:
                slow.append(Slow(port, "127.0.0.%d" % host, head))
            except OSError:
                break
        host += 1
    for _ in range(4):
        try:
            slow.append(Slow(port, "127.0.0.%d" % host, head))
        except OSError:
            pass
    body = Slow(port, "127.0.0.%d" % (host + 1),
                b"POST /api/v1/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/json\r\nContent-Length: 4000\r\n\r\n{")
    # /healthz needs a free slot; meanwhile everyone keeps trickling (in a
    # thread-free way: the probe has a short timeout and is retried).
    start = now_ms()
    full = -1
    stop = time.monotonic() + head_s + body_s + 6
    last = 0.0
    while time.monotonic() < stop:
        if time.monotonic() - last >= TICK:
            tick(slow)
            tick([body])
            last = time.monotonic()
        if full < 0:
            if healthz(port, TICK) >= 0:
                full = now_ms() - start
        if full >= 0 and all(c.closed is not None for c in slow) and body.closed is not None:
            break
        time.sleep(0.05)
    print("healthz_full_ms", full)
    if all(c.closed is not None for c in slow):
        print("cut_max_ms", max(c.closed - c.opened for c in slow))
    else:
        print("cut_max_ms", -1)
    print("body_cut_ms", body.closed - body.opened if body.closed is not None else -1)


if __name__ == "__main__":
    main()
