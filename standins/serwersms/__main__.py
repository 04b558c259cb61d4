"""``python -m standins.serwersms --port 8766``: serve until SIGINT/SIGTERM."""
import argparse
import sys

from . import SmsStandinServer


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m standins.serwersms",
                                     description="Local SerwerSMS.pl HTTPS API v2 stand-in")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    server = SmsStandinServer(port=args.port, host=args.host)
    user, password = server.user
    server.serve_until_signalled(
        f"SerwerSMS stand-in on {server.base_url} (API token {server.token}, API user {user} / {password})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
