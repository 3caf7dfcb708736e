#!/usr/bin/env python3
"""Test tool: a write whose body is still arriving when 'skydd serve' gets SIGTERM.

Usage: stop_midbody.py PORT TOKEN DB PID NONCE

Sends the head and part of the body of POST /api/v1/persons {"name":NONCE},
sends SIGTERM to PID, and finishes the body 9.3 s later while another
process holds the database's write lock (from 9 s to 11 s), so that the
write, if the server lets it through to the writer, commits only after the
server's 10 s drain. Prints the status of the answer, or "noans" when the
connection closed without one. A committed NONCE without a 2xx answer is a
committed-but-unanswered write.
"""
import os
import signal
import socket
import sqlite3
import sys
import time


def main():
    port, token, db, pid, nonce = sys.argv[1:6]
    body = ('{"name":"%s"}' % nonce).encode()
    head = (
        "POST /api/v1/persons HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
        "Content-Length: %d\r\n\r\n" % (token, len(body))
    ).encode()
    s = socket.create_connection(("127.0.0.1", int(port)), timeout=30)
    s.sendall(head + body[:5])
    time.sleep(0.2)  # the head is in: the request has begun
    os.kill(int(pid), signal.SIGTERM)
    start = time.monotonic()
    time.sleep(9.0)
    lock = sqlite3.connect(db, timeout=5, isolation_level=None)
    lock.execute("BEGIN IMMEDIATE")
    time.sleep(max(0.0, start + 9.3 - time.monotonic()))
    try:
        s.sendall(body[5:])
    except OSError:
        pass
    time.sleep(max(0.0, start + 11.0 - time.monotonic()))
    lock.execute("ROLLBACK")
    lock.close()
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    s.close()
    if data.startswith(b"HTTP/1.") and len(data) >= 12:
        print(data[9:12].decode())
    else:
        print("noans")


if __name__ == "__main__":
    main()
