#!/usr/bin/env python3
"""A fast-enough SMTP sink for the crash test: accepts everything on 127.0.0.1:PORT and appends
one line per delivered recipient to LOG, so the test can count digests per subscriber."""
import asyncore, smtpd, sys, warnings

warnings.filterwarnings("ignore")
port, log = int(sys.argv[1]), sys.argv[2]
out = open(log, "a", buffering=1)

class Sink(smtpd.SMTPServer):
    def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
        for rcpt in rcpttos:
            out.write(rcpt.lower() + "\n")

Sink(("127.0.0.1", port), None, decode_data=False)
asyncore.loop()
