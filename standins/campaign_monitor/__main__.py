"""``python -m standins.campaign_monitor --port 8767 [--demo]``: serve until SIGINT/SIGTERM."""
import argparse
import sys

from .. import persistence
from . import CampaignMonitorStandinServer


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m standins.campaign_monitor",
                                     description="Local Campaign Monitor API v3.3 stand-in")
    parser.add_argument("--port", type=int, default=8767)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--demo", action="store_true", help="lists and subscribers for the Odoo demo customers")
    parser.add_argument("--state", metavar="FILE",
                        help="keep the state in FILE: read on start, written on change (the demo)")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    server = CampaignMonitorStandinServer(port=args.port, host=args.host, demo=args.demo)
    return persistence.serve(
        server, "campaign_monitor", args.state,
        f"Campaign Monitor stand-in on {server.base_url} (API key {server.api_key}, client ID {server.client_id})")


if __name__ == "__main__":
    sys.exit(main())
