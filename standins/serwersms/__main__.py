"""``python -m standins.serwersms --port 8766``: serve until SIGINT/SIGTERM."""
import argparse
import signal
import sys
import threading

from . import SmsStandinServer


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m standins.serwersms",
                                     description="Local SerwerSMS.pl HTTPS API v2 stand-in")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    server = SmsStandinServer(port=args.port, host=args.host)
    stopped = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopped.set())
    server.start()
    user, password = server.user
    print(f"SerwerSMS stand-in on {server.base_url} (API token {server.token}, API user {user} / {password})",
          flush=True)
    stopped.wait()
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
