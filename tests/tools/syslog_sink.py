#!/usr/bin/env python3
"""A one-connection TCP sink for the syslog shell test: listens on loopback,
writes its port to PORTFILE, accepts one connection, saves every byte it
receives to OUTFILE until the peer closes, and exits. Gives up after 20 s."""
import socket
import sys


def main():
    portfile, outfile = sys.argv[1], sys.argv[2]
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    srv.settimeout(20)
    with open(portfile + ".tmp", "w") as f:
        f.write(str(srv.getsockname()[1]))
    # rename: the test never reads a half-written port
    import os
    os.rename(portfile + ".tmp", portfile)
    conn, _ = srv.accept()
    conn.settimeout(20)
    with open(outfile, "wb") as out:
        while True:
            data = conn.recv(65536)
            if not data:
                break
            out.write(data)
    conn.close()
    srv.close()


if __name__ == "__main__":
    main()
