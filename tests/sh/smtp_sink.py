#!/usr/bin/env python3
"""A local SMTP sink for tests/sh/test_remind.sh: listens on a free loopback
port (written to PORTFILE once listening) and writes each message it
receives to DIR/N.eml, with the envelope in DIR/N.env (MAIL FROM, then one
RCPT TO a line). Python's smtpd (Debian 12's python3.11); no network."""
import os
import sys
import warnings

warnings.simplefilter("ignore", DeprecationWarning)
import asyncore  # noqa: E402
import smtpd  # noqa: E402


class Sink(smtpd.SMTPServer):
    n = 0

    def process_message(self, peer, mailfrom, rcpttos, data, **kw):
        Sink.n += 1
        base = os.path.join(OUT, str(Sink.n))
        with open(base + ".eml.tmp", "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode())
        with open(base + ".env", "w") as f:
            f.write(mailfrom + "\n" + "".join(r + "\n" for r in rcpttos))
        os.rename(base + ".eml.tmp", base + ".eml")
        return None


if __name__ == "__main__":
    OUT, PORTFILE = sys.argv[1], sys.argv[2]
    os.makedirs(OUT, exist_ok=True)
    s = Sink(("127.0.0.1", 0), None, decode_data=False)
    with open(PORTFILE + ".tmp", "w") as f:
        f.write(str(s.socket.getsockname()[1]))
    os.rename(PORTFILE + ".tmp", PORTFILE)
    asyncore.loop(timeout=0.2)
