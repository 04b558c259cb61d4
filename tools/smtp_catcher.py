#!/usr/bin/env python3
"""A loopback SMTP server that writes every message it receives to a file.

    python3 tools/smtp_catcher.py --port 2525 --dir .devenv/mail

``tools/run`` starts it and points Odoo's outgoing mail at it, so that the demo's
emails (the sync reports) are really delivered and can be read: one file per
message, ``<dir>/<YYYYmmdd-HHMMSS-micro>-<subject>.eml`` (open it with any mail
program, or read it as text).  The envelope sender and recipients are added as
``X-Envelope-From`` / ``X-Envelope-To`` headers (Bcc recipients appear only there).

Listens on 127.0.0.1 only, accepts any sender and recipient, relays nothing.
Stops on Ctrl-C / SIGTERM.  Needs ``aiosmtpd`` (requirements-test.txt).
"""
import argparse
import datetime
import email.header
import email.parser
import email.policy
import os
import re
import signal
import unicodedata
import sys
import threading
from pathlib import Path

from aiosmtpd.controller import Controller

HOST = "127.0.0.1"


def subject_slug(content, limit=60):
    """The message's Subject, decoded (RFC 2047), as a file-name-safe slug."""
    try:
        headers = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(content)
        raw = headers.get("Subject") or ""
        subject = str(email.header.make_header(email.header.decode_header(raw)))
    except Exception:  # noqa: BLE001 - a broken header must not lose the message
        subject = ""
    ascii_subject = unicodedata.normalize("NFKD", subject).encode("ascii", "ignore").decode()  # é -> e
    slug = re.sub(r"[^\w.-]+", "-", ascii_subject, flags=re.ASCII).strip("-.")
    return slug[:limit].rstrip("-.") or "no-subject"


class SaveToFiles:
    """aiosmtpd handler: each message becomes one .eml file in ``directory``."""

    def __init__(self, directory, on_saved=None):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.on_saved = on_saved
        self._lock = threading.Lock()

    def save(self, content, mail_from, rcpt_tos):
        envelope = (f"X-Envelope-From: <{mail_from or ''}>\r\n"
                    f"X-Envelope-To: {', '.join(f'<{r}>' for r in rcpt_tos)}\r\n").encode()
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        base = f"{stamp}-{subject_slug(content)}"
        with self._lock:
            path = self.directory / f"{base}.eml"
            n = 1
            while path.exists():
                n += 1
                path = self.directory / f"{base}-{n}.eml"
            tmp = path.with_name(f".{path.name}.tmp")  # readers never see half a message
            tmp.write_bytes(envelope + content)
            os.replace(tmp, path)
        return path

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8", "surrogateescape")
        path = self.save(content, envelope.mail_from, envelope.rcpt_tos)
        if self.on_saved:
            self.on_saved(path, envelope)
        return "250 OK: message saved"


class SmtpCatcher:
    """In-process catcher: ``with SmtpCatcher(dir, port) as c: ...`` (127.0.0.1 only)."""

    def __init__(self, directory, port, on_saved=None):
        self.handler = SaveToFiles(directory, on_saved)
        self.port = port
        self.controller = Controller(self.handler, hostname=HOST, port=port)

    @property
    def directory(self):
        return self.handler.directory

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def main(argv=None):
    p = argparse.ArgumentParser(prog="smtp_catcher", description=__doc__.split("\n\n")[0])
    p.add_argument("--port", type=int, required=True, help=f"port on {HOST}")
    p.add_argument("--dir", required=True, help="folder to write the .eml files into")
    args = p.parse_args(argv)

    def saved(path, envelope):
        print(f"saved {path} (from {envelope.mail_from}, to {', '.join(envelope.rcpt_tos)})", flush=True)

    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda *_: stop.set())
    with SmtpCatcher(args.dir, args.port, saved) as catcher:
        print(f"SMTP catcher on {HOST}:{args.port}, writing messages to {catcher.directory}", flush=True)
        while not stop.wait(1):
            pass
    print("SMTP catcher stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
