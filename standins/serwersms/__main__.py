"""``python -m standins.serwersms --port 8766``: serve until SIGINT/SIGTERM."""
import argparse
import sys

from .. import persistence
from . import SmsStandinServer


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m standins.serwersms",
                                     description="Local SerwerSMS.pl HTTPS API v2 stand-in")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--state", metavar="FILE",
                        help="keep the state in FILE: read on start, written on change (the demo)")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    server = SmsStandinServer(port=args.port, host=args.host)
    user, password = server.user
    return persistence.serve(
        server, "serwersms", args.state,
        f"SerwerSMS stand-in on {server.base_url} (API token {server.token}, API user {user} / {password})")


if __name__ == "__main__":
    sys.exit(main())
