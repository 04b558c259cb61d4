"""``python -m standins.mailchimp --port 8765 --seed seed.json``: serve until SIGINT/SIGTERM."""

import argparse
import sys
from datetime import date

from .. import persistence
from . import DEMO_SEED, StandinServer
from .seed import read_seed


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m standins.mailchimp",
                                     description="Local Mailchimp Marketing API v3 stand-in")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--seed", default=str(DEMO_SEED), help="seed JSON (default: demo_seed.json)")
    parser.add_argument("--seed-anchor", metavar="YYYY-MM-DD", type=date.fromisoformat,
                        help='the day the seed\'s "D-<days>" times count back from (default: today, UTC)')
    parser.add_argument("--dc", default="us6")
    parser.add_argument("--state", metavar="FILE",
                        help="keep the state in FILE: read on start, written on change (the demo)")
    parser.add_argument("--no-webhook-validation", action="store_true",
                        help="register webhooks without the validator GET")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    seed = args.seed
    if args.seed_anchor:
        seed = {**read_seed(args.seed), "anchor": args.seed_anchor.isoformat()}
    server = StandinServer(seed=seed, port=args.port, host=args.host, dc=args.dc,
                           validate_webhook_urls=not args.no_webhook_validation)
    return persistence.serve(server, "mailchimp", args.state,
                             f"Mailchimp stand-in on {server.base_url} (API key {server.api_key})")


if __name__ == "__main__":
    sys.exit(main())
