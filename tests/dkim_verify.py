#!/usr/bin/python3
"""Verifies a message's DKIM signature with Debian's python3-dkim, an implementation independent of
MimeKit's, so the tests do not only check that MimeKit agrees with itself.

Usage: dkim_verify.py MESSAGE_FILE RECORD_NAME RECORD_VALUE
  MESSAGE_FILE  the raw message as the SMTP server received it
  RECORD_NAME   where the public key is published, e.g. s1._domainkey.example.org
  RECORD_VALUE  the TXT record's text, e.g. "v=DKIM1; k=rsa; p=MIIB..."
Exits 0 when the signature is valid, 1 when it is not (the reason on standard error).
"""
import logging
import sys

import dkim


def main():
    path, name, value = sys.argv[1:4]
    with open(path, "rb") as f:
        message = f.read()

    def dnsfunc(queried, timeout=5):
        # Only the record the signature names: a wrong d= or s= finds nothing, as in real DNS.
        if queried.decode("ascii").rstrip(".").lower() == name.rstrip(".").lower():
            return value.encode("ascii")
        return None

    logging.basicConfig(stream=sys.stderr, level=logging.DEBUG)
    verifier = dkim.DKIM(message, logger=logging.getLogger("dkim"))
    ok = verifier.verify(dnsfunc=dnsfunc)
    if not ok:
        print("DKIM verification failed", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
